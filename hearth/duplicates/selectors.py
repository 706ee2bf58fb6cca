"""The data protection officer's queue of people who may be recorded twice, and one pair side by side. Both are the
council's data protection officer's only (`governance.require_officer`), and every look is audited: the queue's page
as one VIEW naming the pairs and people shown, a pair as one VIEW of each person."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus
from hearth.people.models import Address, FamilyMember, Person, PersonName

PER_PAGE = 25


def require_officer(user, **kwargs) -> None:
    governance.require_officer(user, object_type="duplicates.duplicatepair", to="see people recorded twice",
                               **kwargs)


def latest_run(user) -> DuplicateRun | None:
    return DuplicateRun.objects.filter(council_id=user.agency.council_id).order_by("-started_at", "-pk").first()


def waiting_page(user, page_number):
    """One page of the council's waiting pairs, best first (25 a page), with both people; a pair with a person
    erased or merged into another record since the run is left out (the next run replaces it)."""
    require_officer(user)
    pairs = (DuplicatePair.objects.filter(council_id=user.agency.council_id, status=PairStatus.WAITING,
                                          person_a__erased_at__isnull=True, person_b__erased_at__isnull=True,
                                          person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
             .select_related("person_a", "person_b").order_by("-match_weight", "pk"))
    page = Paginator(pairs, PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    if shown:
        trail.record(actor=user, action=AuditAction.VIEW, object_type="duplicates.duplicatepair",
                     detail={"purpose": "duplicates_queue", "page": page.number, "pairs": [p.pk for p in shown],
                             "people": sorted({i for p in shown for i in (p.person_a_id, p.person_b_id)})})
    return page


@dataclass
class Side:
    person: Person
    names: list[PersonName]  # every name but the current one
    postcode: str
    families: list


@dataclass
class PairDetail:
    pair: DuplicatePair
    sides: list[Side]


def pair_for(user, pair_id: int) -> DuplicatePair:
    """The pair, in the officer's council (404 otherwise)."""
    require_officer(user, object_id=pair_id)
    pair = (DuplicatePair.objects.filter(pk=pair_id, council_id=user.agency.council_id)
            .select_related("person_a", "person_b", "decided_by").first())
    if pair is None:
        raise Http404
    return pair


def pair_detail(user, pair_id: int) -> PairDetail:
    """The pair side by side: each person's names (previous and other names too), date of birth, NHS number, current
    postcode and the families they are in. Audited as a look at each person."""
    pair = pair_for(user, pair_id)
    sides = []
    for person in (pair.person_a, pair.person_b):
        names = list(PersonName.objects.filter(person=person).exclude(kind="current").order_by("kind", "pk"))
        current = Address.objects.filter(person=person, to_date__isnull=True).first()
        families = [m.family for m in FamilyMember.objects.filter(person=person).select_related("family")
                    .order_by("pk")]
        sides.append(Side(person, names, current.postcode if current else "", families))
        trail.record(actor=user, action=AuditAction.VIEW, obj=person, person_id=person.pk,
                     detail={"purpose": "duplicates_pair", "pair": pair.pk})
    return PairDetail(pair, sides)
