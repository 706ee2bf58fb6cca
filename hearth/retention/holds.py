"""What a legal hold holds back (`hearth.people.holds`): nothing under a hold may be erased or destroyed."""

from django.db.models import Q

from hearth.people.holds import Scope, Source, Use
from hearth.people.models import FamilyMember, Person
from hearth.retention.models import LegalHold


def _active(council_id: int):
    return LegalHold.objects.filter(council_id=council_id, lifted_at__isnull=True)


def legal_hold_reasons(scope: Scope) -> list[str]:
    if scope.person_id is not None:
        families = FamilyMember.objects.filter(person_id=scope.person_id).values("family_id")
    else:
        families = [scope.family_id]
    holds = list(_active(scope.council_id).filter(Q(all_families=True) | Q(families__in=families)).distinct()
                 .order_by("pk"))
    whose = f" {Person.objects.get(pk=scope.person_id).full_name} belongs to" if holds and scope.person_id else ""
    return [f"The legal hold \u201c{hold.name}\u201d covers {'every family' if hold.all_families else 'a family'}"
            f"{whose}: nothing under a hold may be destroyed" for hold in holds]


def legal_hold_families(council_id: int, family_ids: list[int]) -> set[int]:
    active = _active(council_id)
    if active.filter(all_families=True).exists():
        return set(family_ids)
    return set(LegalHold.families.through.objects.filter(legalhold__in=active, family_id__in=family_ids)
               .values_list("family_id", flat=True))


LEGAL_HOLD = Source(uses=frozenset({Use.ERASE, Use.DISPOSE, Use.MERGE}), reasons=legal_hold_reasons,
                    held_families=legal_hold_families)
