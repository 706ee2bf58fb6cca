"""What requests to correct, erase or restrict hold back (`hearth.people.holds`): a restriction in force stops
changes, sharing and disposal; a request to correct, erase or restrict still to answer stops disposal."""

from django.db.models import Q

from hearth.people.holds import Scope, Source, Use
from hearth.people.models import FamilyMember
from hearth.rights.models import Restriction, RightsRequest


def _about(scope: Scope, column: str = "person_id") -> Q:
    if scope.person_id is not None:
        return Q(**{column: scope.person_id})
    return Q(**{f"{column}__in": FamilyMember.objects.filter(family_id=scope.family_id).values("person_id")})


def _families_of(people, family_ids: list[int]) -> set[int]:
    return set(FamilyMember.objects.filter(person_id__in=people, family_id__in=family_ids)
               .values_list("family_id", flat=True))


def restriction_reasons(scope: Scope) -> list[str]:
    found = Restriction.objects.filter(_about(scope), lifted_at__isnull=True).select_related("person")
    names = ", ".join(dict.fromkeys(r.person.full_name for r in found.order_by("started_at", "pk")))
    if not names:
        return []
    return [f"The use of {names}'s information is restricted at their request, so it cannot be changed or shared "
            "through Hearth. Ask the data protection officer."]


def restricted_families(council_id: int, family_ids: list[int]) -> set[int]:
    return _families_of(Restriction.objects.filter(request__council_id=council_id, lifted_at__isnull=True)
                        .values("person_id"), family_ids)


def _pending(council_id: int):
    return (RightsRequest.objects.filter(council_id=council_id, applied_at__isnull=True)
            .exclude(decision="refused"))


def pending_reasons(scope: Scope) -> list[str]:
    pending = _pending(scope.council_id).filter(_about(scope)).select_related("person").order_by("pk")
    return [f"{r.person.full_name} has a request to correct, erase or restrict their information still to answer"
            for r in pending]


def pending_families(council_id: int, family_ids: list[int]) -> set[int]:
    return _families_of(_pending(council_id).values("person_id"), family_ids)


RESTRICTION = Source(uses=frozenset({Use.CHANGE, Use.SHARE, Use.DISPOSE, Use.MERGE}), reasons=restriction_reasons,
                     held_families=restricted_families)
PENDING_REQUEST = Source(uses=frozenset({Use.DISPOSE}), reasons=pending_reasons, held_families=pending_families)
