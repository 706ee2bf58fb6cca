"""What an open subject access request holds back (`hearth.people.holds`): the information must be answered as it
stood, so nothing about its subject is erased or disposed of until it is released or closed."""

from django.db.models import Q

from hearth.people.holds import Scope, Source, Use
from hearth.people.models import FamilyMember
from hearth.subject_access.models import SarStatus, SubjectAccessRequest


def _open(council_id: int):
    return SubjectAccessRequest.objects.filter(council_id=council_id, status=SarStatus.OPEN)


def open_request_reasons(scope: Scope) -> list[str]:
    about = (Q(subject_id=scope.person_id) if scope.person_id is not None else
             Q(subject_id__in=FamilyMember.objects.filter(family_id=scope.family_id).values("person_id")))
    found = _open(scope.council_id).filter(about).select_related("subject").order_by("pk")
    return [f"{sar.subject.full_name} is the subject of an open subject access request ({sar.reference}): release "
            "or close it first" for sar in found]


def open_request_families(council_id: int, family_ids: list[int]) -> set[int]:
    return set(FamilyMember.objects.filter(person_id__in=_open(council_id).values("subject_id"),
                                           family_id__in=family_ids).values_list("family_id", flat=True))


OPEN_REQUEST = Source(uses=frozenset({Use.ERASE, Use.DISPOSE}), reasons=open_request_reasons,
                      held_families=open_request_families)
