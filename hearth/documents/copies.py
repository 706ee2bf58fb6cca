"""Printable copies for families (assessment, plan, review, chronology) and the step-up bundle for MASH.

Each function checks the access policy (raising NotPermitted), loads what it prints in a fixed number of
queries, records an EXPORT in the audit log and returns a tagged PDF. Recording who a copy was given to (a
disclosure) is the caller's job: see `record_copy`.

Addresses marked "must not be disclosed" are never printed in a copy meant for the family, and in the
practitioners' documents (the step-up bundle, the chronology) only for roles the policy allows to see them.
"""

from dataclasses import dataclass
from datetime import date

from django.core import checks
from django.db.models import F, Prefetch

from hearth.access import policy
from hearth.assessments.models import (
    Assessment,
    AssessmentStatus,
    ChildView,
    Contribution,
    ContributionStatus,
    SectionKey,
)
from hearth.cases.models import Episode, EpisodeStatus
from hearth.cases.selectors import chronology
from hearth.core import personal_data
from hearth.core.errors import NotPermitted
from hearth.documents import pieces
from hearth.outcomes.charts import star_chart
from hearth.outcomes.models import Reading
from hearth.people import genogram
from hearth.people.models import Family, FamilyMember, Relationship
from hearth.plans import selectors as plan_selectors
from hearth.plans.models import (
    Action,
    Attendance,
    ChildMeetingView,
    Invitation,
    Meeting,
    MeetingStatus,
    OutcomeProgress,
    PlanOutcome,
    Review,
)
from hearth.referrals.models import Referral, ScreeningTool
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosure_record
from hearth.web.pdf import render_pdf

# Why a copy is made and on what basis, recorded with each disclosure unless the caller says otherwise.
PURPOSES = {
    DisclosureKind.ASSESSMENT_COPY: "The family's own copy of their Early Help assessment",
    DisclosureKind.PLAN_COPY: "The family's own copy of their Early Help plan",
    DisclosureKind.REVIEW_COPY: "The family's own copy of a review of their plan",
    DisclosureKind.CHRONOLOGY: "A copy of the family's chronology",
    DisclosureKind.STEP_UP_BUNDLE: "Step-up referral to MASH with the family's documents",
}


def register_is_known() -> list[str]:
    """Kinds of copy the register of personal data names that are not kinds of copy (none, when all is well)."""
    kinds = set(DisclosureKind.values)
    return [f"{r.model} is declared as included in the copy {kind!r}, which is not a kind of copy"
            for r in personal_data.records() for kind in r.copies if kind not in kinds]


@checks.register()
def copies_know_the_register(app_configs=None, **kwargs):
    return [checks.Error(problem, id="hearth.E004") for problem in register_is_known()]


FAMILY_COPY_BASIS = ("Families get copies of their own assessment, plan and review records "
                     "(the right of access, UK GDPR Article 15)")


# ---------------------------------------------------------------------------------------------------------
# The assessment


@dataclass
class SectionPart:
    key: str
    heading: str
    facts: str = ""
    opinions: str = ""


@dataclass
class AssessmentParts:
    assessment: Assessment
    completed_by: str
    started_by: str
    members: list[pieces.MemberRow]
    sections: dict[str, SectionPart]
    scores: list[pieces.ScoreRow]
    scores_taken_on: date | None
    child_views: list[ChildView]
    contributions: list[Contribution]
    name: str = ""


def _assessment_parts(user, assessment: Assessment, *, for_family: bool) -> AssessmentParts:
    assessment = (
        Assessment.objects.select_related("family__council", "completed_by__agency", "started_by__agency")
        .prefetch_related(
            "sections",
            # Youngest last; a child whose date of birth is not known first, on every database.
            Prefetch("child_views", queryset=ChildView.objects.select_related("child").order_by(
                F("child__date_of_birth").asc(nulls_first=True), "pk")),
            Prefetch("contributions", queryset=Contribution.objects.filter(status=ContributionStatus.SUBMITTED)
                     .select_related("author")),
        )
        .get(pk=assessment.pk)
    )
    family = assessment.family
    stored = {s.key: s for s in assessment.sections.all()}
    sections = {key: SectionPart(key=key, heading=SectionKey(key).label,
                                 facts=stored[key].facts if key in stored else "",
                                 opinions=stored[key].opinions if key in stored else "")
                for key in SectionKey.values}
    reading = (Reading.objects.filter(assessment=assessment).prefetch_related("scores")
               .order_by("-taken_on", "-pk").first())
    return AssessmentParts(
        assessment=assessment,
        name=(family.council.plan_names or {}).get("assessment") or "Early Help Assessment",
        completed_by=pieces.person_and_agency(assessment.completed_by),
        started_by=pieces.person_and_agency(assessment.started_by),
        members=pieces.member_rows(user, pieces.members(family), for_family=for_family),
        sections=sections,
        scores=pieces.score_rows(family.council, reading),
        scores_taken_on=reading.taken_on if reading else None,
        child_views=list(assessment.child_views.all()),
        contributions=list(assessment.contributions.all()),
    )


def assessment_pdf(user, assessment: Assessment, *, prepared_for: str = "") -> bytes:
    """The family's copy of an assessment: who is in the family, every section with facts and views apart,
    the outcome scores, each child's view, each professional's view, and who completed it and when. Prepared
    for `prepared_for` (the recipient recorded with the copy), named under the council's masthead."""
    family = assessment.family
    pieces.require_view(user, family, assessment)
    parts = _assessment_parts(user, assessment, for_family=True)
    pieces.export(user, assessment, family, DisclosureKind.ASSESSMENT_COPY)
    return render_pdf("documents/assessment.html",
                      {**pieces.base_context(user, family, prepared_for=prepared_for), "a": parts},
                      title=f"{parts.name}: {family.name}")


# ---------------------------------------------------------------------------------------------------------
# The plan and the latest Team Around the Family meeting


@dataclass
class ActionRow:
    what: str
    who: str
    due_on: date
    status: str
    note: str = ""


@dataclass
class OutcomePart:
    number: int
    description: str
    area: str
    status: str
    actions: list[ActionRow]


@dataclass
class MeetingPart:
    meeting: Meeting
    attended: list[str]
    apologies: list[str]
    absent: list[str]
    child_views: list[ChildMeetingView]
    agreed_lead: str


@dataclass
class PlanParts:
    episode: Episode
    name: str
    lead: object
    lead_phone: str
    lead_email: str
    outcomes: list[OutcomePart]
    other_actions: list[ActionRow]
    next_review: date | None
    meeting: MeetingPart | None


def _owner(action: Action) -> str:
    if action.owner_user_id:
        return pieces.person_and_agency(action.owner_user)
    if action.owner_agency_id:
        return action.owner_agency.name
    return action.owner_person.full_name if action.owner_person_id else "Not agreed yet"


def _action_row(action: Action) -> ActionRow:
    return ActionRow(what=action.what, who=_owner(action), due_on=action.due_on, status=action.get_status_display(),
                     note=action.status_note)


def _actions():
    return Action.objects.select_related("owner_user__agency", "owner_agency", "owner_person").order_by("due_on", "pk")


def _invitee(invitation: Invitation) -> str:
    if invitation.user_id:
        return pieces.person_and_agency(invitation.user)
    return f"{invitation.person.full_name} (family)"


def _meeting_part(meeting: Meeting | None) -> MeetingPart | None:
    """A held meeting with who came, who sent apologies and the children's views (three queries)."""
    if meeting is None:
        return None
    invitations = list(Invitation.objects.filter(meeting=meeting).select_related("user__agency", "person"))
    by = {value: [_invitee(i) for i in invitations if i.attendance == value] for value in Attendance.values}
    return MeetingPart(
        meeting=meeting, attended=by[Attendance.ATTENDED], apologies=by[Attendance.APOLOGIES],
        absent=by[Attendance.ABSENT],
        child_views=list(ChildMeetingView.objects.filter(meeting=meeting).select_related("child")
                         .order_by("child__date_of_birth", "pk")),
        agreed_lead=pieces.person_and_agency(meeting.agreed_lead) if meeting.agreed_lead_id else "")


def _latest_meeting(episode: Episode) -> Meeting | None:
    return (Meeting.objects.filter(episode=episode, status=MeetingStatus.HELD).select_related("agreed_lead__agency")
            .order_by("-scheduled_for", "-pk").first())


def _plan_parts(episode: Episode) -> PlanParts:
    episode = Episode.objects.select_related("family__council", "lead_professional__agency").get(pk=episode.pk)
    council = episode.family.council
    names = pieces.area_names(council)
    outcomes = PlanOutcome.objects.filter(episode=episode).order_by("pk").prefetch_related(
        Prefetch("actions", queryset=_actions()))
    lead = episode.lead_professional
    return PlanParts(
        episode=episode,
        name=(council.plan_names or {}).get(f"level_{episode.level}") or "Early Help plan",
        lead=lead,
        lead_phone=(lead.phone or lead.agency.phone) if lead else "",
        lead_email=(lead.agency.email or lead.email) if lead else "",
        outcomes=[OutcomePart(number=n, description=o.description, area=names.get(o.area, ""),
                              status=o.get_status_display(), actions=[_action_row(a) for a in o.actions.all()])
                  for n, o in enumerate(outcomes, start=1)],
        other_actions=[_action_row(a) for a in _actions().filter(episode=episode, outcome__isnull=True)],
        next_review=episode.next_review_due,
        meeting=_meeting_part(_latest_meeting(episode)),
    )


def plan_pdf(user, episode: Episode, *, prepared_for: str = "") -> bytes:
    """The family's copy of their plan: the lead professional and how to reach them, each outcome with its
    actions (what, who, by when, how it is going), the next review and the latest Team Around the Family
    meeting."""
    family = episode.family
    pieces.require_view(user, family, episode)
    parts = _plan_parts(episode)
    pieces.export(user, episode, family, DisclosureKind.PLAN_COPY)
    return render_pdf("documents/plan.html", {**pieces.base_context(user, family, prepared_for=prepared_for),
                                              "p": parts},
                      title=f"{parts.name}: {family.name}")


# ---------------------------------------------------------------------------------------------------------
# A review


@dataclass
class ReviewParts:
    review: Review
    progress: list[OutcomeProgress]
    scores: list[pieces.ScoreRow]
    first_taken_on: date | None
    now_taken_on: date | None
    new_level: str
    chart_svg: str = ""


def _star_chart(council, reading: Reading | None, first: Reading | None) -> str:
    """The outcome star (hearth.outcomes.charts) of the first scores and this review's, over the areas scored in
    either; none for fewer than three areas. The table beside it carries the same numbers."""
    if reading is None:
        return ""
    now = {s.area: s.score for s in reading.scores.all()}
    before = {s.area: s.score for s in first.scores.all()} if first else None
    areas = [a for a in council.outcome_areas or [] if a["code"] in now or (before and a["code"] in before)]
    if len(areas) < 3:
        return ""
    return star_chart(
        areas, before, now,
        first_label=f"At the start ({first.taken_on:%-d %B %Y})" if first else "At the start",
        latest_label=f"At this review ({reading.taken_on:%-d %B %Y})",
        title="Outcome star: your scores at the start and at this review")


def _review_parts(review: Review) -> ReviewParts:
    review = Review.objects.select_related("episode__family__council", "recorded_by__agency").get(pk=review.pk)
    council = review.episode.family.council
    # Each outcome as it was worded when the review was recorded: a copy made later says what the review said.
    progress = list(OutcomeProgress.objects.filter(review=review).select_related("outcome").order_by("outcome_id"))
    plan_selectors.wording_at_review(review, progress)
    reading = Reading.objects.filter(review=review).prefetch_related("scores").first()
    first = (Reading.objects.filter(episode=review.episode, taken_on__lte=review.held_on).exclude(review=review)
             .prefetch_related("scores").order_by("taken_on", "pk").first())
    return ReviewParts(
        review=review,
        progress=progress,
        scores=pieces.score_rows(council, reading, first),
        first_taken_on=first.taken_on if first else None,
        now_taken_on=reading.taken_on if reading else None,
        new_level=council.level_name(review.new_level) if review.new_level else "",
        chart_svg=_star_chart(council, reading, first),
    )


def review_pdf(user, review: Review, *, prepared_for: str = "") -> bytes:
    """The family's copy of a review: progress with each outcome, the new scores beside the first ones, the
    decision and the next review."""
    family = review.episode.family
    pieces.require_view(user, family, review)
    parts = _review_parts(review)
    pieces.export(user, review, family, DisclosureKind.REVIEW_COPY)
    return render_pdf("documents/review.html", {**pieces.base_context(user, family, prepared_for=prepared_for),
                                                "r": parts},
                      title=f"Review of your plan on {review.held_on:%-d %B %Y}: {family.name}")


# ---------------------------------------------------------------------------------------------------------
# The step-up bundle


def _latest_completed_assessment(episode: Episode | None, family: Family) -> Assessment | None:
    completed = Assessment.objects.filter(status=AssessmentStatus.COMPLETED)
    if episode is not None:
        found = completed.filter(episode=episode).order_by("-number", "-pk").first()
        if found:
            return found
    return completed.filter(family=family).order_by("-completed_at", "-pk").first()


def _genogram(members: list[FamilyMember]) -> tuple[str, list[str]]:
    people = {m.person_id: m.person for m in members}
    relationships = list(Relationship.objects.filter(from_person_id__in=people, to_person_id__in=people).order_by("pk"))
    for rel in relationships:  # both ends are loaded: str(rel) queries nothing
        rel.from_person, rel.to_person = people[rel.from_person_id], people[rel.to_person_id]
    return genogram.build(members, relationships)


def _may_have_bundle(user, referral) -> bool:
    return policy.can_have_step_up_bundle(user, referral)


def step_up_bundle_pdf(user, referral) -> bytes:
    """One PDF for MASH: the multi-agency referral (who asks, the concerns, what has been tried, whether
    consent was sought and why not, the level), the screening tools completed (which, when, by whom and what each
    found), then the latest completed assessment, the plan, the latest
    Team Around the Family minutes and the genogram with its text alternative."""
    if referral.family_id is None:
        raise NotPermitted("A step-up bundle needs a family record.", object_type="referrals.referral",
                           object_id=referral.pk)
    referral = Referral.objects.select_related("family__council", "episode", "requester_user__agency").get(
        pk=referral.pk)
    family = referral.family
    if not _may_have_bundle(user, referral):
        raise NotPermitted(object_type="referrals.referral", object_id=referral.pk)
    episode = referral.episode or Episode.objects.filter(family=family).exclude(status=EpisodeStatus.CLOSED).first()
    members = pieces.members(family)
    assessment = _latest_completed_assessment(episode, family)
    plan = _plan_parts(episode) if episode else None
    svg, text = _genogram(members)
    level = referral.level or (episode.level if episode else None)
    context = {
        **pieces.base_context(user, family, prepared_for=pieces.MASH),
        "referral": referral,
        "episode": episode,
        "level": f"{family.council.level_name(level)} (level {level})" if level else "",
        # The agency the requester worked for when they asked, else their agency now.
        "requester_agency": getattr(referral, "requester_agency", "") or (
            referral.requester_user.agency.name if referral.requester_user_id else ""),
        "members": pieces.member_rows(user, members, for_family=False),
        "a": _assessment_parts(user, assessment, for_family=False) if assessment else None,
        "p": plan,
        "genogram_svg": svg,
        "genogram_text": text,
        "screening_tools": list(ScreeningTool.objects.filter(referral=referral).order_by("position")),
    }
    pieces.export(user, referral, family, DisclosureKind.STEP_UP_BUNDLE)
    return render_pdf("documents/step_up_bundle.html", context,
                      title=f"Step-up referral to MASH {referral.reference}: {family.name}")


# ---------------------------------------------------------------------------------------------------------
# The chronology


def chronology_pdf(user, family: Family, *, prepared_for: str = "") -> bytes:
    """Significant events across the whole family in date order, each with its type and who recorded it: the
    same chronology the family's chronology page shows (hearth.cases.selectors.chronology). Prepared for
    `prepared_for`, or for the practitioner's own use when no one is named."""
    pieces.require_view(user, family, family)
    family = Family.objects.select_related("council").get(pk=family.pk)
    entries = chronology(user, family)
    pieces.export(user, family, family, DisclosureKind.CHRONOLOGY)
    context = pieces.base_context(user, family, prepared_for=prepared_for or pieces.own_use(user))
    return render_pdf("documents/chronology.html", {**context, "entries": entries},
                      title=f"Chronology: {family.name}")


# ---------------------------------------------------------------------------------------------------------
# Recording who a copy went to


DOCUMENT_DESCRIPTIONS = {
    DisclosureKind.ASSESSMENT_COPY: "A PDF copy of the Early Help assessment",
    DisclosureKind.PLAN_COPY: "A PDF copy of the Early Help plan",
    DisclosureKind.REVIEW_COPY: "A PDF copy of a review of the plan",
    DisclosureKind.CHRONOLOGY: "A PDF copy of the chronology",
    DisclosureKind.STEP_UP_BUNDLE: "The step-up referral with the assessment, plan, latest meeting notes and genogram",
}


def record_copy(*, actor, family: Family, kind: str, obj, recipient: str, person=None, recipient_agency=None,
                purpose: str = "", basis: str = ""):
    """Record a copy handed over as a disclosure (the information-sharing register and the audit log)."""
    return disclosure_record(
        actor=actor, family=family, kind=kind, what=DOCUMENT_DESCRIPTIONS.get(kind, "A PDF copy"),
        recipient=recipient, purpose=purpose or PURPOSES.get(kind, "A copy for the family"),
        basis=basis or FAMILY_COPY_BASIS, person=person, recipient_agency=recipient_agency, obj=obj)
