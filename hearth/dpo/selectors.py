"""The data protection officer's start page: where the breach log and the requests to correct, erase or restrict
stand, and finding a family or a person whose access log to read (the audit review and unusual-access reports are
`hearth.dpo.audit_review` and `hearth.dpo.unusual_access`).

The DPO's pages cross the family policy by design (see `governance.can_do_governance`); each look at a record is
itself recorded in the audit log.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.breaches import selectors as breaches
from hearth.core.errors import NotPermitted
from hearth.people import match_model, search
from hearth.people.models import FamilyMember, Person
from hearth.rights import selectors as rights


def require_governance(user) -> None:
    governance.require_officer(user, object_type="dpo", to="see this page")


def home_summary(user, *, now: datetime | None = None) -> dict:
    """Counts for the DPO's start page: open incidents and their clocks, requests waiting (two queries)."""
    require_governance(user)
    now = now or timezone.now()
    return {**breaches.open_incidents_summary(user, now=now),
            **rights.waiting_summary(user, today=timezone.localdate(now))}


@dataclass
class AccessFind:
    """A person found for the audit review, with the families they belong to (each with its record number)."""

    person: Person
    reasons: list[str]
    families: list  # people.Family, oldest membership first


def find_for_access_review(user, query: search.SearchQuery) -> list[AccessFind]:
    """People of the officer's council matching the search, best first (ranked as people search ranks, over the
    council: `governance.governance_people`), each with their families, so that the officer reaches a family's or a
    person's access log without knowing its record number. Two statements to rank, one to load the page's people with
    their families. Audited as a SEARCH with the ids found (never what was typed)."""
    require_governance(user)
    if query.is_empty:
        return []
    ranked = search.rank_people(query, governance.governance_people(user),
                                match_model.for_council(user.agency.council_id))
    people = {p.pk: p for p in Person.objects.filter(pk__in=[m.pk for m in ranked]).prefetch_related(
        Prefetch("memberships", queryset=FamilyMember.objects.select_related("family").order_by("pk")))}
    found = [AccessFind(person=people[m.pk], reasons=m.reasons,
                        families=[mem.family for mem in people[m.pk].memberships.all()])
             for m in ranked if m.pk in people]
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"purpose": "access_review", "results": [f.person.pk for f in found]})
    return found


def open_incident_to_link(user, incident_id: str | None):
    """The open incident the search was opened for (`?incident=`), whose families the officer is finding, or None
    when there is none of that number in the officer's council or it is closed (the page is then the plain
    search)."""
    if not (incident_id or "").isdigit() or len(incident_id) > 12:
        return None
    try:
        incident = breaches.incident_detail(user, int(incident_id), audited=False)
    except NotPermitted:
        return None
    return incident if incident.is_open else None
