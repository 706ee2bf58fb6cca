"""Demo families at every stage of the Early Help journey, made through the real services so that the
demo shows exactly what practitioners would have recorded: requests waiting for screening, assessments
in progress and completed, plans with reviews and improving scores, a step up waiting for MASH, a
social-work assessment with Early Help continuing, a step down, and a closed episode."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from hearth.access import grants
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind
from hearth.assessments import services as assessments
from hearth.cases import notes as case_notes
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import Episode
from hearth.consent.models import Agreement, ConsentScope, GiverKind, Method, ShareConsent
from hearth.people.models import FamilyMember, MemberRole
from hearth.plans import meetings, reviews
from hearth.plans import services as plans
from hearth.plans.models import MeetingKind
from hearth.referrals import services as referrals
from hearth.referrals import statutory
from hearth.referrals.models import Decision

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


def _open(family, lead, *, weeks_ago: int, level: int = 3, reason: str = "N4") -> Episode:
    cases.involve(actor=lead, family=family, user=lead, relationship=InvolvedAs.TAF_MEMBER)
    return cases.episode_open(actor=lead, family=family, reason=reason, level=level, lead=lead,
                              level_reasons="Needs across school attendance, routines and money worries",
                              started_on=timezone.localdate() - timedelta(weeks=weeks_ago))


def _assess(episode, lead, *, complete: bool, score: int = 3, weeks_ago: int = 0):
    assessment = assessments.assessment_start(actor=lead, episode=episode)
    section = assessment.sections.get(key="background")
    assessments.section_save(
        actor=lead, section=section, version=section.version,
        facts="School attendance has fallen to 82% this term. Mum works nights and the children are often late.",
        opinions="Mum is keen to make changes and wants help with routines and with money.")
    for view, method, words in zip(assessment.child_views.all(), ("three_houses", "wishes_and_feelings"),
                                   ("I like it when we have breakfast together.", "I wish I had my own room."),
                                   strict=False):
        assessments.child_view_save(actor=lead, child_view=view, version=view.version, method=method,
                                    in_their_words=words, worker_reflection="Wants more time with mum.")
    if complete:
        assessments.assessment_scores_record(actor=lead, assessment=assessment,
                                             taken_on=timezone.localdate() - timedelta(weeks=weeks_ago),
                                             scores=_scores(episode.family.council, score))
        assessments.assessment_complete(actor=lead, assessment=assessment)
    return assessment


def _plan(episode, lead, colleague) -> None:
    today = timezone.localdate()
    meeting = meetings.meeting_schedule(actor=lead, episode=episode, kind=MeetingKind.INITIAL,
                                     scheduled_for=timezone.make_aware(datetime.combine(today, time(9, 30))),
                                     location="Hearthbury Family Hub", practitioners=[colleague])
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
                         agreed_lead=lead, next_review_on=review_dates.default_date(episode.family.council))


def _reviews(episode, lead, scores: list[int]) -> None:
    today = timezone.localdate()
    for n, value in enumerate(scores):
        held = today - timedelta(weeks=(len(scores) - n - 1) * 6)
        open_outcomes = episode.plan_outcomes.filter(status="open")
        reviews.review_record(
            actor=lead, episode=episode, held_on=held, summary=f"Review {n + 1}: mornings are getting easier.",
            decision="continue", progress={o.pk: reviews.ProgressInput(progress="partly_met") for o in open_outcomes},
            scores=_scores(episode.family.council, value), family_views="Things feel calmer at home.",
            next_review_on=today + timedelta(weeks=6))


def stage_families(*, council, users: dict, families: list) -> dict[str, int]:
    """Bring one family to each stage. `users` maps demo local parts (practitioner, teacher, ...) to users."""
    lead, teacher, mash, social_worker = (users["practitioner"], users["teacher"], users["mash"],
                                          users["socialworker"])
    staged: dict[str, int] = {}
    candidates = [f for f in families if len(_children(f)) >= 2]
    for stage, family in zip(STAGES, candidates, strict=False):
        with transaction.atomic():
            if stage == "request_waiting":
                cases.involve(actor=teacher, family=family, user=teacher, relationship=InvolvedAs.TAF_MEMBER)
                referrals.referral_request_create(
                    actor=teacher, family=family, family_agrees=True, agreement_method="written",
                    agreement_given_by="Mum", concerns="Attendance has dropped and the children seem tired.",
                    tried_already="Two meetings with mum in school.", hoped_for="Help with mornings.")
            elif stage == "assessment_draft":
                _assess(_open(family, lead, weeks_ago=1), lead, complete=False)
            elif stage == "assessment_done":
                _assess(_open(family, lead, weeks_ago=3), lead, complete=True, weeks_ago=1)
            elif stage in ("plan_with_reviews", "review_overdue", "stepped_up", "social_work", "closed"):
                episode = _open(family, lead, weeks_ago=14)
                _assess(episode, lead, complete=True, score=3, weeks_ago=13)
                _plan(episode, lead, teacher)
                _reviews(episode, lead, [5, 7] if stage != "review_overdue" else [4])
                if stage == "review_overdue":
                    Episode.objects.filter(pk=episode.pk).update(
                        next_review_due=timezone.localdate() - timedelta(days=9))
                if stage in ("stepped_up", "social_work"):
                    step_up = statutory.referral_step_up(
                        actor=lead, episode=episode, concerns="New worries about a violent ex-partner visiting.",
                        consent_sought=False,
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
                                                              evaluation_rating=5,
                                                              evaluation="Having one person to call helped most."))
            elif stage == "stepped_down":
                cases.involve(actor=social_worker, family=family, user=social_worker,
                              relationship=InvolvedAs.SOCIAL_WORK)
                statutory.step_down_record(
                    actor=social_worker, family=family, new_lead=lead, level=2, reason="N4",
                    cin_plan_ended_on=timezone.localdate() - timedelta(days=7),
                    single_assessment="Single assessment: needs now met below the threshold for social care.",
                    cin_plan="Child in Need plan: routines, school attendance, counselling for mum.")
            if stage != "request_waiting":
                case_notes.note_add(actor=lead, family=family, note_type="home_visit",
                               occurred_on=timezone.localdate() - timedelta(days=2),
                               summary="Home visit: met mum and both children", significant=stage == "stepped_up",
                               body="The children showed me their routine chart.")
            staged[stage] = family.pk
    return staged

