"""Audit rows for the audit review tests, written as the application writes them, sealed at once or not (the
`sealing` fixture of the unusual-access tests)."""

from django.utils import timezone

from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from hearth.families import services as people_services
from hearth.people.models import Family, FamilyMember, Person

SEALING = {"seal": False}


def view(user, *, family=None, person=None, at=None, ip="10.0.0.1", object_type=None, action=AuditAction.VIEW):
    """An audit row as the application writes it, at a chosen time (sealed at once under the `sealing` fixture's
    "sealed")."""
    event = AuditEvent.objects.create(
        actor=user, action=action, at=at or timezone.now(), ip_address=ip,
        object_type=object_type or ("people.family" if family else "people.person"),
        object_id=str((family or person).pk), family_id=family.pk if family else None,
        person_id=person.pk if person else None)
    if SEALING["seal"]:
        trail.seal_pending()
    return event


def table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


def some_families(council, n: int) -> list[Family]:
    return Family.objects.bulk_create([Family(council=council, name=f"Family {i}") for i in range(n)])


def member(family, given, surname, **extra) -> Person:
    person = Person.objects.create(council=family.council, given_name=given, family_name=surname, **extra)
    FamilyMember.objects.create(family=family, person=person, role="parent_pr")
    people_services.refresh_current_name(person)
    return person
