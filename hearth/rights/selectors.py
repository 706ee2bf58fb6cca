"""Every read of requests to correct, erase or restrict, scoped to the data protection officer's council and
audited.

The DPO's pages cross the family policy by design (see `governance.can_do_governance`): the rights request pages show
the person the request is about. Each look is itself recorded in the audit log. Every function loads what it
returns in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import personal_data
from hearth.core.errors import NotPermitted
from hearth.core.personal_data import Erasure
from hearth.families import display, erasure
from hearth.people import holds
from hearth.people.models import FamilyMember, NameKind, Person
from hearth.rights.models import RectificationChange, Restriction, RightsRequest
from hearth.sharing import selectors as sharing_selectors
from hearth.sharing.models import Decision, Disclosure

SEARCH_LIMIT = 50
# The label the information-sharing register and the audit log name a request by (its model's label). Entries
# written before the model moved out of the `dpo` app keep the label it had then (`Record.formerly`).
REQUEST_LABEL = "rights.rightsrequest"


def _request_labels() -> tuple[str, ...]:
    return personal_data.record_for(REQUEST_LABEL).labels


def require_governance(user) -> None:
    governance.require_officer(user, object_type="rights", to="see this page")


def _council_id(user) -> int:
    return user.agency.council_id


def waiting_summary(user, *, today: date) -> dict:
    """For the DPO's start page: the council's requests still to answer, and how many are past their deadline (one
    query). The caller checks the user."""
    waiting = list(RightsRequest.objects.filter(council_id=_council_id(user), applied_at__isnull=True)
                   .exclude(decision="refused").only("received_on"))
    return {"waiting_requests": len(waiting), "overdue_requests": sum(1 for r in waiting if r.due_on < today)}


def requests_list(user) -> list[RightsRequest]:
    """The council's requests, newest first, with the person each is about (one query)."""
    require_governance(user)
    requests = list(RightsRequest.objects.filter(council_id=_council_id(user)).select_related("person"))
    trail.record(actor=user, action=AuditAction.VIEW, object_type=REQUEST_LABEL,
                 detail={"requests": [r.pk for r in requests][:500]})
    return requests


def request_detail(user, request_id: int, *, audited: bool = True) -> RightsRequest:
    require_governance(user)
    rights_request = (RightsRequest.objects.filter(council_id=_council_id(user), pk=request_id)
                      .select_related("person", "council", "decided_by", "applied_by", "created_by").first())
    if rights_request is None:
        raise NotPermitted(object_type=REQUEST_LABEL, object_id=request_id)
    rights_request.change_log = list(RectificationChange.objects.filter(request=rights_request)
                                     .select_related("changed_by"))
    rights_request.restriction_record = Restriction.objects.filter(request=rights_request).first()
    if audited:
        trail.record(actor=user, action=AuditAction.VIEW, obj=rights_request, person_id=rights_request.person_id)
    return rights_request


def restrictions_in_force(*, family_id: int | None = None, person_id: int | None = None) -> list[Restriction]:
    """Restrictions in force on a person, or on any member of a family, for the banner on pages the caller may
    already see. One query."""
    found = Restriction.objects.filter(lifted_at__isnull=True).select_related("person")
    if person_id is not None:
        found = found.filter(person_id=person_id)
    if family_id is not None:
        found = found.filter(person__in=FamilyMember.objects.filter(family_id=family_id).values("person_id"))
    return list(found.order_by("started_at", "pk"))


@dataclass
class Erasable:
    """What an erasure could remove from a person's record, as (value, label) choices, and how many other records
    refer to the person (kept by an erasure of the whole record, with "Erased person" in place of the name)."""

    details: list[tuple[str, str]]
    names: list[tuple[int, str]]
    addresses: list[tuple[int, str]]
    mentions: list[tuple[str, int]]
    blockers: list[str]


def erasable(rights_request: RightsRequest) -> Erasable:
    """For the erasure page of a request its caller has read with `request_detail`."""
    person = rights_request.person
    details = [(k, f"{display.field_label(k)}: {display.show_value(k, getattr(person, k))}")
               for k in erasure.ERASABLE_DETAILS if getattr(person, k) not in (None, "")]
    names = [(n.pk, f"{n.get_kind_display()}: {n.given_name} {n.family_name}".strip())
             for n in person.names.exclude(kind=NameKind.CURRENT).order_by("pk")]
    addresses = [(a.pk, f"{'Current' if a.to_date is None else 'Previous'} address: {a.line_1}, {a.town}, "
                        f"{a.postcode}") for a in person.addresses.order_by("pk")]
    # Records kept on erasure that refer to the person: the officer checks their free text by hand.
    mentions = [(r.many, r.rows_about(person).count()) for r in personal_data.with_erasure(Erasure.CHECKED)]
    return Erasable(details=details, names=names, addresses=addresses, mentions=[m for m in mentions if m[1]],
                    blockers=holds.reasons(holds.Use.ERASE, person=person))


@dataclass
class PersonFound:
    person: Person
    family_ids: list[int]


def find_people(user, *, given_name: str = "", family_name: str = "", date_of_birth: date | None = None,
                person_id: int | None = None) -> list[PersonFound]:
    """People of the council matching what the DPO knows about the requester (two queries, at most 50 people).
    Audited as a search, with the number of results only."""
    require_governance(user)
    people = governance.governance_people(user)
    if person_id:
        people = people.filter(pk=person_id)
    if given_name.strip():
        people = people.filter(Q(given_name__icontains=given_name.strip())
                               | Q(names__given_name__icontains=given_name.strip()))
    if family_name.strip():
        people = people.filter(Q(family_name__icontains=family_name.strip())
                               | Q(names__family_name__icontains=family_name.strip()))
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    found = list(people.distinct().order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])
    families = defaultdict(list)
    for person_pk, family_pk in FamilyMember.objects.filter(person__in=[p.pk for p in found]).values_list(
            "person_id", "family_id").order_by("family_id"):
        families[person_pk].append(family_pk)
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="rights.person_search",
                 detail={"results": len(found)})
    return [PersonFound(p, families[p.pk]) for p in found]


def person_for_request(user, person_id: int | None) -> Person:
    require_governance(user)
    person = governance.governance_people(user).filter(pk=person_id).first() if person_id else None
    if person is None:
        raise NotPermitted(object_type="people.person", object_id=person_id or "")
    trail.record(actor=user, action=AuditAction.VIEW, object_type=REQUEST_LABEL, person_id=person.pk,
                 detail={"new_request": True})
    return person


def correction_recipients(rights_request: RightsRequest) -> list[sharing_selectors.Recipient]:
    """The recipients of the person's information, from the information-sharing register: entries about the person,
    and entries about a whole family they belong to (belonged to, once the request is applied: an erasure may end the
    membership), that were shared (before the request was applied, once it is).
    Copies given to the person or the family themselves are left out. Notices of this request already recorded are
    listed against each recipient (`told`). Two queries."""
    person_id = rights_request.person_id
    families = (Q(family_id__in=rights_request.family_ids) if rights_request.applied_at is not None
                else Q(family_id__in=FamilyMember.objects.filter(person_id=person_id).values("family_id")))
    about = Q(person_id=person_id) | (Q(person__isnull=True) & families)
    this = Q(object_type__in=_request_labels(), object_id=str(rights_request.pk))
    entries = (Disclosure.objects.filter(about, decision=Decision.SHARED)
               .exclude(Q(kind__in=sharing_selectors.NOT_RECIPIENTS) & ~this)
               .select_related("recipient_agency").order_by("occurred_on", "pk"))
    if rights_request.applied_at is not None:
        entries = entries.filter(Q(disclosed_at__lte=rights_request.applied_at) | this)
    request_labels = _request_labels()

    def told(entry: Disclosure) -> str | None:
        if entry.object_type in request_labels and entry.object_id == str(rights_request.pk):
            return f"{entry.occurred_on:%-d %B %Y}: {entry.what}"
        return None

    return sharing_selectors.group_recipients(entries, told=told)
