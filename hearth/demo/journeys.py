"""Demo families at every stage of the Early Help journey, made through the real services so that the
demo shows exactly what practitioners would have recorded: requests waiting for screening, assessments
in progress and completed, plans with reviews and improving scores, a step up waiting for MASH, a
social-work assessment with Early Help continuing, a step down, and a closed episode.

Each staged family follows its own timeline (`Timeline`): the family's agreement, then the episode's start, the
assessment (every section written before it is completed), the plan agreed at the first Team Around the Family
meeting, the reviews (each setting the next review date on from the day it was held), a step up or a closure. The
services record "now"; `_settle` then writes each record's own day from the timeline, so that the episode's history
and the family's chronology begin when the episode began and every date follows the one before."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from hearth.access import grants
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import AgencyKind
from hearth.assessments import services as assessments
from hearth.assessments.models import Assessment, ChildView, Section, SectionKey
from hearth.cases import notes as case_notes
from hearth.cases import services as cases
from hearth.cases.models import CaseNote, Episode, LeadAssignment, LevelChange, LevelSource, StatusChange
from hearth.consent.models import Agreement, ConsentScope, GiverKind, Method, ShareConsent
from hearth.outcomes.models import Reading
from hearth.people.models import FamilyMember, MemberRole
from hearth.plans import meetings, reviews
from hearth.plans import services as plans
from hearth.plans.models import Action, ActionStatus, Meeting, MeetingKind, PlanOutcome, Review
from hearth.referrals import services as referrals
from hearth.referrals import statutory
from hearth.referrals.models import Decision, Referral, StepDown
from hearth.sharing.models import Disclosure
from hearth.supporting_families import services as programme

STAGES = (
    "request_waiting",
    "assessment_draft",
    "assessment_done",
    "plan_with_reviews",
    "review_overdue",
    "stepped_up",
    "social_work",
    "stepped_down",
    "closed",
)


def _scores(council, value: int) -> dict:
    return {area["code"]: (max(1, min(10, value + i % 2)), None) for i, area in enumerate(council.outcome_areas)}


def _children(family):
    return [m.person for m in FamilyMember.objects.filter(family=family, role=MemberRole.CHILD).select_related(
        "person").order_by("person__date_of_birth")]


DEMO_CONSENT_KINDS = (AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS, AgencyKind.HEALTH_VISITING, AgencyKind.SCHOOL_NURSING,
                      AgencyKind.EARLY_HELP_TEAM, AgencyKind.YOUTH_SERVICE, AgencyKind.VOLUNTARY)


def record_consent(family, recorded_by, *, days_ago: int = 30) -> None:
    """The family's agreement to Early Help and a parent's consent to share with the usual partners (written
    directly: the demo's recorder need not be able to see every family)."""
    parent = (FamilyMember.objects.filter(family=family, role=MemberRole.PARENT_WITH_PR).select_related("person")
              .order_by("pk").first())
    if parent is None:
        return
    given_on = timezone.localdate() - timedelta(days=days_ago)
    Agreement.objects.create(family=family, given_by=parent.person, giver_kind=GiverKind.PARENT_WITH_PR,
                             given_on=given_on, method=Method.WRITTEN, form_reference=f"EH-{family.pk:06d}",
                             recorded_by=recorded_by)
    consent = ShareConsent.objects.create(
        family=family, person=parent.person, given_by=parent.person, giver_kind=GiverKind.PARENT_WITH_PR,
        given_on=given_on, method=Method.WRITTEN, form_reference=f"EH-{family.pk:06d}",
        for_assessment_planning=True, for_named_partners=True, for_council_storage=True,
        review_by=given_on + timedelta(days=365), recorded_by=recorded_by)
    ConsentScope.objects.bulk_create([ConsentScope(consent=consent, agency_kind=k) for k in DEMO_CONSENT_KINDS])
    grants.refresh_family(family)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Timeline:
    """The days a staged family's work happened, in order. `reviews` are the days reviews were held."""

    start: date
    assessed: date | None = None  # the assessment completed and its scores taken
    plan: date | None = None  # the first Team Around the Family meeting: the plan agreed
    reviews: list[date] = field(default_factory=list)
    step_up: date | None = None
    social_work: date | None = None  # MASH decided on a social-work assessment
    closed: date | None = None
    note: date | None = None  # the latest case note

    @property
    def assessment_started(self) -> date:
        return self.start + timedelta(days=2)

    def last(self) -> date:
        days = [self.start, self.assessed, self.plan, *self.reviews, self.step_up, self.social_work, self.closed]
        return max(d for d in days if d)


def _timeline(stage: str, today: date, interval: timedelta) -> Timeline:
    """Each stage's days, counted back from today; reviews `interval` apart (the council's review interval)."""
    if stage == "assessment_draft":
        return Timeline(start=today - timedelta(days=10), note=today - timedelta(days=2))
    if stage == "assessment_done":
        return Timeline(start=today - timedelta(weeks=4), assessed=today - timedelta(weeks=1),
                        note=today - timedelta(days=2))
    if stage == "stepped_down":
        return Timeline(start=today - timedelta(weeks=3), note=today - timedelta(days=2))
    if stage == "review_overdue":
        # One review, whose next review fell due nine days ago and has not been held.
        held = today - timedelta(days=9) - interval
        plan = held - interval
        assessed = plan - timedelta(weeks=1)
        return Timeline(start=assessed - timedelta(weeks=3), assessed=assessed, plan=plan, reviews=[held],
                        note=today - timedelta(days=2))
    # Two reviews, the next one due in two weeks; a step up, a social-work decision or a closure after them.
    second = today + timedelta(weeks=2) - interval
    if stage == "closed":
        second = today - timedelta(weeks=5)
    first = second - interval
    plan = first - interval
    assessed = plan - timedelta(weeks=1)
    line = Timeline(start=assessed - timedelta(weeks=3), assessed=assessed, plan=plan, reviews=[first, second],
                    note=today - timedelta(days=2))
    if stage == "stepped_up":
        line.step_up = today - timedelta(days=5)
    elif stage == "social_work":
        line.step_up, line.social_work = today - timedelta(days=12), today - timedelta(days=10)
    elif stage == "closed":
        line.closed = today - timedelta(weeks=2)
        line.note = line.closed - timedelta(days=3)
    return line


def _open(family, lead, *, started_on: date, level: int = 3, reason: str = "N4") -> Episode:
    cases.involve(actor=lead, family=family, user=lead, relationship=InvolvedAs.TAF_MEMBER)
    return cases.episode_open(actor=lead, family=family, reason=reason, level=level, lead=lead,
                              level_reasons="Needs across school attendance, routines and money worries",
                              started_on=started_on)


SECTIONS = {
    SectionKey.BACKGROUND: (
        "School attendance has fallen to 82% this term. Mum works nights and the children are often late.",
        "Mum is keen to make changes and wants help with routines and with money."),
    SectionKey.PARENTS_VIEW: (
        "Mum says mornings are the hardest part of the day and that money worries keep her awake.",
        "Mum knows what she wants to change and has asked for help before."),
    SectionKey.STRENGTHS: (
        "The children are close to their mum and to each other. Their grandmother lives nearby.",
        "A loving family who want to make things better."),
    SectionKey.NEEDS: (
        "Routines before school, school attendance, advice on debts and benefits.",
        "Without help with mornings, attendance is likely to fall further."),
    SectionKey.DESIRED_OUTCOMES: (
        "The children get to school on time every day. The family's debts are in a repayment plan.",
        "Attendance above 95% for a whole term would show the plan has worked."),
}


def _assess(episode, lead, *, complete: bool, score: int = 3, taken_on: date | None = None):
    """A draft has its first section written; a completed assessment has every section written."""
    assessment = assessments.assessment_start(actor=lead, episode=episode)
    keys = list(SECTIONS) if complete else [SectionKey.BACKGROUND]
    for key in keys:
        section = assessment.sections.get(key=key)
        facts, opinions = SECTIONS[key]
        assessments.section_save(actor=lead, section=section, version=section.version, facts=facts,
                                 opinions=opinions)
    for view, method, words in zip(assessment.child_views.all(), ("three_houses", "wishes_and_feelings"),
                                   ("I like it when we have breakfast together.", "I wish I had my own room."),
                                   strict=False):
        assessments.child_view_save(actor=lead, child_view=view, version=view.version, method=method,
                                    in_their_words=words, worker_reflection="Wants more time with mum.")
    if complete:
        assessments.assessment_scores_record(actor=lead, assessment=assessment, taken_on=taken_on,
                                             scores=_scores(episode.family.council, score))
        assessments.assessment_complete(actor=lead, assessment=assessment)
    return assessment


def _plan(episode, lead, colleague, line: Timeline, interval: timedelta) -> None:
    """The first Team Around the Family meeting, on the timeline's plan day: scheduled (the service takes a day from
    today on), moved to the day it was held, then recorded with the plan agreed."""
    today = timezone.localdate()
    meeting = meetings.meeting_schedule(actor=lead, episode=episode, kind=MeetingKind.INITIAL,
                                        scheduled_for=_at(today, 9, 30), location="Hearthbury Family Hub",
                                        practitioners=[colleague])
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_for=_at(line.plan, 9, 30))
    meeting.refresh_from_db()
    outcome = plans.outcome_add(actor=lead, episode=episode, description="The children get to school on time every day",
                                area="family_routine", meeting=meeting)
    plans.action_add(actor=lead, episode=episode, what="Set up a morning routine chart with the children",
                     due_on=today + timedelta(days=10), owner_user=lead, outcome=outcome, meeting=meeting)
    plans.action_add(actor=lead, episode=episode, what="Offer a place at breakfast club",
                     due_on=today + timedelta(days=3), owner_user=colleague, outcome=outcome, meeting=meeting)
    meetings.meeting_record(actor=lead, meeting=meeting, version=meeting.version,
                            attendance={i.pk: "attended" for i in meeting.invitations.all()},
                            minutes="We agreed a plan for mornings and for help with money.",
                            family_views="Mum said mornings are the hardest part of the day.",
                            strengths="A loving family who want to make things better.",
                            needs="Routines, school attendance, money advice.",
                            agreed_lead=lead, next_review_on=today + interval)
    if line.closed:  # the closed family's actions fell due in the weeks after the meeting, and were done
        for days, action in zip((10, 21), Action.objects.filter(episode=episode).order_by("pk"), strict=False):
            Action.objects.filter(pk=action.pk).update(due_on=line.plan + timedelta(days=days))


def _reviews(episode, lead, line: Timeline, scores: list[int], interval: timedelta) -> None:
    """Each review on its day, moving the next review date on to `interval` after it."""
    today = timezone.localdate()
    for n, (held, value) in enumerate(zip(line.reviews, scores, strict=True)):
        open_outcomes = episode.plan_outcomes.filter(status="open")
        reviews.review_record(
            actor=lead, episode=episode, held_on=held, summary=f"Review {n + 1}: mornings are getting easier.",
            decision="continue", progress={o.pk: reviews.ProgressInput(progress="partly_met") for o in open_outcomes},
            scores=_scores(episode.family.council, value), family_views="Things feel calmer at home.",
            next_review_on=max(held + interval, today + timedelta(days=1)))


def _settle(family, episode: Episode | None, line: Timeline, interval: timedelta) -> None:
    """Write each record's own day from the timeline over the "now" the services recorded: the episode's history, its
    assessment, meetings, plan, reviews and scores, its step up, the family's agreement and consent, case notes and
    entries in the sharing register. Written directly, as the demo's other history is (`hearth.demo.history`)."""
    start = line.start
    given_on = start - timedelta(days=3)  # the family agreed to Early Help before it started
    Agreement.objects.filter(family=family).update(given_on=given_on, recorded_at=_at(given_on, 11))
    ShareConsent.objects.filter(family=family).update(given_on=given_on, recorded_at=_at(given_on, 11),
                                                      review_by=given_on + timedelta(days=365))
    CaseNote.objects.filter(family=family).update(created_at=_at(line.note or start, 16),
                                                  updated_at=_at(line.note or start, 16))
    for note in CaseNote.objects.filter(family=family):
        CaseNote.objects.filter(pk=note.pk).update(created_at=_at(note.occurred_on, 16),
                                                   updated_at=_at(note.occurred_on, 16))
    if episode is None:
        return
    day_of = {"opened": start, "plan_agreed": line.plan, "step_up_sent": line.step_up,
              "social_work_started": line.social_work, "closed": line.closed}
    Episode.objects.filter(pk=episode.pk).update(created_at=_at(start, 9))
    for change in StatusChange.objects.filter(episode=episode):
        day = day_of.get(change.transition) or line.last()
        StatusChange.objects.filter(pk=change.pk).update(changed_at=_at(day, 12))
    for level in LevelChange.objects.filter(episode=episode):
        day = start if level.source == LevelSource.START else (line.social_work or line.step_up or line.last())
        LevelChange.objects.filter(pk=level.pk).update(decided_at=_at(day, 12))
    LeadAssignment.objects.filter(episode=episode).update(started_at=_at(start, 9))
    # Everyone working with the family was involved from the start (MASH from the step up, below).
    Involvement.objects.filter(family=family, started_at__gt=_at(start, 9)).exclude(
        relationship=InvolvedAs.MASH).update(started_at=_at(start, 9))
    Involvement.objects.filter(family=family, relationship=InvolvedAs.MASH,
                               started_at__gt=_at(line.step_up or start, 9)).update(
        started_at=_at(line.step_up or start, 9))
    begun = _at(line.assessment_started, 10)
    for assessment in Assessment.objects.filter(episode=episode):
        done = _at(line.assessed, 14) if assessment.completed_at else None
        Assessment.objects.filter(pk=assessment.pk).update(started_at=begun, completed_at=done)
        Section.objects.filter(assessment=assessment).update(updated_at=_at(line.assessment_started, 15))
        ChildView.objects.filter(assessment=assessment).update(updated_at=_at(line.assessment_started, 15))
    for reading in Reading.objects.filter(episode=episode):
        Reading.objects.filter(pk=reading.pk).update(recorded_at=_at(reading.taken_on, 15))
    if line.plan:
        Meeting.objects.filter(episode=episode, kind=MeetingKind.INITIAL).update(
            recorded_at=_at(line.plan, 11), next_review_on=line.plan + interval)
        Meeting.objects.filter(episode=episode, notes_sent_at__isnull=False).update(notes_sent_at=_at(line.plan, 12))
        PlanOutcome.objects.filter(episode=episode).update(created_at=_at(line.plan, 11))
        Action.objects.filter(episode=episode).update(created_at=_at(line.plan, 11))
    if line.closed:
        Action.objects.filter(episode=episode, status=ActionStatus.DONE).update(completed_on=line.closed)
    for review in Review.objects.filter(episode=episode):
        Review.objects.filter(pk=review.pk).update(recorded_at=_at(review.held_on, 16),
                                                   next_review_on=review.held_on + interval)
    if line.closed is None:  # the next review is due an interval after the latest review, plan or start
        latest = Review.objects.filter(episode=episode).order_by("-held_on").first()
        due = latest.next_review_on if latest else (line.plan or start) + interval
        Episode.objects.filter(pk=episode.pk, next_review_due__isnull=False).update(next_review_due=due)
    if line.step_up:
        Referral.objects.filter(family=family, received_at__gt=_at(line.step_up, 10)).update(
            received_at=_at(line.step_up, 10))
    if line.social_work:
        Referral.objects.filter(family=family, screened_at__isnull=False).update(
            screened_at=_at(line.social_work, 11), outcome_told_at=_at(line.social_work, 12))
    kinds = {"taf_invitation": line.plan, "step_up_bundle": line.step_up, "referral_outcome": line.social_work,
             "closure_notice": line.closed}
    for kind, day in kinds.items():
        if day:
            Disclosure.objects.filter(family=family, kind=kind).update(occurred_on=day, disclosed_at=_at(day, 12))
    StepDown.objects.filter(family=family).update(recorded_at=_at(start, 10))


# The Supporting Families headline needs of two staged families (`_programme`): (need, descriptor, evidence).
PROGRAMME_NEEDS = (
    ("education", "persistent_absence", "School attendance 84% this year; late most Mondays (school's register)."),
    ("health", "mental_health", "Mum is on the waiting list for talking therapy (GP letter)."),
    ("finances", "debt", "Rent arrears of two months; a council tax summons (seen at the home visit)."),
)


def _programme(family, lead, line: Timeline, *, closed: bool) -> None:
    """Three headline needs identified when the assessment was completed; for a closed family, progress against each
    judged at closure (too recently to be judged sustained)."""
    if not family.council.takes_part_in_supporting_families:
        return
    for need, descriptor, evidence in PROGRAMME_NEEDS:
        recorded = programme.need_record(actor=lead, family=family, need=need, descriptor=descriptor, person=None,
                                         evidence=evidence, identified_on=line.assessed)
        if closed:
            programme.progress_record(actor=lead, need=recorded, stage="closure", made=True,
                                      evidence="Held at the last review and confirmed at closure.",
                                      confirmed_by="The lead professional, from the Team Around the Family's review",
                                      judged_on=line.closed)


def stage_families(*, council, users: dict, families: list) -> dict[str, int]:
    """Bring one family to each stage. `users` maps demo local parts (practitioner, teacher, ...) to users."""
    lead, teacher, mash, social_worker = (users["practitioner"], users["teacher"], users["mash"],
                                          users["socialworker"])
    staged: dict[str, int] = {}
    today = timezone.localdate()
    interval = timedelta(weeks=council.review_interval_weeks or 6)
    candidates = [f for f in families if len(_children(f)) >= 2]
    for stage, family in zip(STAGES, candidates, strict=False):
        line = _timeline(stage, today, interval)
        episode = None
        with transaction.atomic():
            if stage == "request_waiting":
                cases.involve(actor=teacher, family=family, user=teacher, relationship=InvolvedAs.TAF_MEMBER)
                referrals.referral_request_create(
                    actor=teacher, family=family, family_agrees=True, agreement_method="written",
                    agreement_given_by="Mum", concerns="Attendance has dropped and the children seem tired.",
                    tried_already="Two meetings with mum in school.", hoped_for="Help with mornings.")
            elif stage == "assessment_draft":
                episode = _open(family, lead, started_on=line.start)
                _assess(episode, lead, complete=False)
            elif stage == "assessment_done":
                episode = _open(family, lead, started_on=line.start)
                _assess(episode, lead, complete=True, taken_on=line.assessed)
            elif stage in ("plan_with_reviews", "review_overdue", "stepped_up", "social_work", "closed"):
                episode = _open(family, lead, started_on=line.start)
                _assess(episode, lead, complete=True, score=3, taken_on=line.assessed)
                _plan(episode, lead, teacher, line, interval)
                _reviews(episode, lead, line, [5, 7] if stage != "review_overdue" else [4], interval)
                if stage in ("stepped_up", "social_work"):
                    step_up = statutory.referral_step_up(
                        actor=lead, episode=episode, concerns="New worries about a violent ex-partner visiting.",
                        consent_sought=False, same_day_triggers=["immediate_risk"] if stage == "stepped_up" else (),
                        consent_not_sought_reason="Asking could increase the risk to the children.")
                    if stage == "social_work":
                        cases.involve(actor=mash, family=family, user=mash, relationship=InvolvedAs.MASH)
                        referrals.referral_decide(actor=mash, referral=step_up, version=step_up.version,
                                                  screening=referrals.Screening(
                                                      level=4, level_reasons="Risk of significant harm",
                                                      decision=Decision.SOCIAL_WORK_ASSESSMENT,
                                                      outcome_message="A social worker will assess the family; "
                                                                      "Early Help continues meanwhile."))
                if stage == "closed":
                    cases.episode_close(actor=lead, episode=Episode.objects.get(pk=episode.pk),
                                        closure=cases.Closure(reason="outcomes_achieved", open_actions="complete",
                                                              family_comments="Mornings are calm now. Thank you.",
                                                              evaluation_rating=5, closed_on=line.closed,
                                                              evaluation="Having one person to call helped most."))
                if stage in ("plan_with_reviews", "closed"):
                    _programme(family, lead, line, closed=stage == "closed")
            elif stage == "stepped_down":
                cases.involve(actor=social_worker, family=family, user=social_worker,
                              relationship=InvolvedAs.SOCIAL_WORK)
                statutory.step_down_record(
                    actor=social_worker, family=family, new_lead=lead, level=2, reason="N4",
                    cin_plan_ended_on=line.start - timedelta(days=7),
                    single_assessment="Single assessment: needs now met below the threshold for social care.",
                    cin_plan="Child in Need plan: routines, school attendance, counselling for mum.")
                episode = Episode.objects.filter(family=family).order_by("-pk").first()
                Episode.objects.filter(pk=episode.pk).update(started_on=line.start)
            if stage != "request_waiting":
                case_notes.note_add(actor=lead, family=family, note_type="home_visit", occurred_on=line.note,
                                    summary="Home visit: met mum and both children",
                                    significant=stage == "stepped_up",
                                    body="The children showed me their routine chart.")
            if stage != "request_waiting":
                _settle(family, episode, line, interval)
            staged[stage] = family.pk
    return staged
