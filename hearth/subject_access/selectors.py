"""Every read of subject access requests, for the council's data protection officer only, and audited.

The officer's work crosses the family access policy by design: they may find any person of their council
(`governance.governance_people`) and compile everything held about them. Every search, every person opened and every
compiled bundle is recorded in the audit log.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.families.selectors import Match
from hearth.jobs import selectors as job_selectors
from hearth.people import match_model, search
from hearth.people.models import Address, FamilyMember, Person
from hearth.people.search import SearchQuery
from hearth.subject_access import compile as compiler
from hearth.subject_access import tasks
from hearth.subject_access.bundle import Bundle
from hearth.subject_access.models import ReleasedBundle, SarStatus, SubjectAccessRequest, Withholding

RECENT = 20


def _require_dpo(user, council_id) -> None:
    if not governance.can_do_governance(user, council_id):
        raise NotPermitted("Only the council's data protection officer can see subject access requests.",
                           object_type="subject_access.subjectaccessrequest")


def require_officer(user) -> None:
    """The user is the data protection officer of their council (NotPermitted otherwise)."""
    if not getattr(user, "is_authenticated", False):
        raise NotPermitted(object_type="subject_access.subjectaccessrequest")
    _require_dpo(user, user.agency.council_id)


def _requests():
    return SubjectAccessRequest.objects.select_related("council", "subject", "verified_by__agency",
                                                       "extended_by__agency", "released_by__agency",
                                                       "closed_by__agency", "created_by__agency")


@dataclass
class Dashboard:
    today: date
    open: list[SubjectAccessRequest]  # overdue first, then the soonest due
    recent: list[SubjectAccessRequest]  # released or closed, newest first

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.open if r.is_overdue(self.today))


def dashboard(user) -> Dashboard:
    """The officer's open requests, overdue first then due soonest, and the latest released or closed (two
    queries and the audit row)."""
    require_officer(user)
    council_id = user.agency.council_id
    mine = _requests().filter(council_id=council_id)
    open_requests = list(mine.filter(status=SarStatus.OPEN).order_by("due_on", "received_on", "pk"))
    recent = list(mine.exclude(status=SarStatus.OPEN).order_by("-released_at", "-closed_at", "-pk")[:RECENT])
    trail.record(actor=user, action=AuditAction.VIEW, object_type="subject_access.dashboard",
                 detail={"requests": [r.pk for r in open_requests + recent]})
    return Dashboard(today=timezone.localdate(), open=open_requests, recent=recent)


def sar_detail(user, sar_id: int) -> SubjectAccessRequest:
    """One request, for its council's officer (NotPermitted otherwise, whether or not it exists); audited."""
    sar = _requests().filter(pk=sar_id).first()
    if sar is None or not governance.can_do_governance(user, sar.council_id):
        raise NotPermitted(object_type="subject_access.subjectaccessrequest", object_id=sar_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=sar, person_id=sar.subject_id)
    return sar


def workbench(user, sar: SubjectAccessRequest) -> Bundle:
    """Everything held about the subject, with what is withheld marked. Records a VIEW of the person and of each of
    their families (the officer has looked at each family's record)."""
    _require_dpo(user, sar.council_id)
    bundle = compiler.compile_bundle(sar)
    detail = {"subject_access": sar.pk, "items": bundle.item_count}
    trail.record(actor=user, action=AuditAction.VIEW, obj=sar.subject, person_id=sar.subject_id, detail=detail)
    for family_id in bundle.family_ids:
        trail.record(actor=user, action=AuditAction.VIEW, object_type="people.family", object_id=family_id,
                     family_id=family_id, person_id=sar.subject_id, detail={"subject_access": sar.pk})
    return bundle


def withholding_for(user, sar: SubjectAccessRequest, withholding_id: int) -> Withholding:
    _require_dpo(user, sar.council_id)
    withholding = Withholding.objects.filter(pk=withholding_id, sar=sar).first()
    if withholding is None:
        raise NotPermitted(object_type="subject_access.withholding", object_id=withholding_id)
    return withholding


def released_bundle(user, sar: SubjectAccessRequest) -> ReleasedBundle | None:
    _require_dpo(user, sar.council_id)
    return ReleasedBundle.objects.filter(sar=sar).first()


@dataclass
class Release:
    """A released request's bundle: ready to download, or being prepared by a job (or failed), with its page."""

    ready: bool
    job: dict | None

    @property
    def failed(self) -> bool:
        return not self.ready and self.job is not None and self.job["failed"]


def release_state(user, sar: SubjectAccessRequest) -> Release | None:
    """For a released request: whether its bundle is kept, and the latest job preparing it. None otherwise."""
    _require_dpo(user, sar.council_id)
    if sar.status != SarStatus.RELEASED:
        return None
    ready = ReleasedBundle.objects.filter(sar=sar).exists()
    return Release(ready=ready, job=None if ready else job_selectors.latest_about(tasks.about(sar.pk)))


def may_see_job(user, about: str) -> bool:
    """Another data protection officer of the request's council may see the page of the job preparing it."""
    sar = SubjectAccessRequest.objects.filter(pk=int(about.rsplit(":", 1)[-1])).only("council_id").first()
    return sar is not None and governance.can_do_governance(user, sar.council_id)


# ---------------------------------------------------------------------------------------------------------
# Finding the subject: any person of the officer's council


def find_subjects(user, query: SearchQuery) -> list[Match]:
    """People of the officer's council matching the search, best first, with their current addresses and
    families. Ranked the way people search ranks; audited as a SEARCH for a subject access request."""
    require_officer(user)
    if query.is_empty:
        return []
    ranked = search.rank_people(query, governance.governance_people(user),
                                match_model.for_council(user.agency.council_id))
    people = {p.pk: p for p in Person.objects.filter(pk__in=[m.pk for m in ranked]).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.filter(to_date__isnull=True), to_attr="current_addresses"),
        Prefetch("memberships", queryset=FamilyMember.objects.select_related("family")))}
    matches = []
    for m in ranked:
        person = people[m.pk]
        person.visible_memberships = list(person.memberships.all())
        matches.append(Match(person=person, score=m.score, reasons=m.reasons))
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"purpose": "subject_access", "results": [m.person.pk for m in matches]})
    return matches


def subject_for_request(user, person_id: int) -> Person:
    """A person of the officer's council chosen as the subject of a new request; audited as a VIEW."""
    if not getattr(user, "is_authenticated", False):
        raise NotPermitted(object_type="people.person", object_id=person_id)
    person = (governance.governance_people(user).filter(pk=person_id)
              .prefetch_related(Prefetch("addresses", queryset=Address.objects.filter(to_date__isnull=True),
                                         to_attr="current_addresses"),
                                Prefetch("memberships", queryset=FamilyMember.objects.select_related("family")))
              .first())
    if person is None:
        raise NotPermitted(object_type="people.person", object_id=person_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=person, person_id=person.pk,
                 detail={"purpose": "subject_access"})
    return person
