"""Every demo family is consistent in its dates and states, since councils judge the product by the demo: a completed
assessment has every section written; a review held moves the next review date on, so no older review is left
overdue after a later one; an episode's history and its family's chronology start when the episode started; and
the work is in order: request, agreement, start, assessment, plan, reviews, step up or closure."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hearth.assessments.models import Assessment, AssessmentStatus, Section
from hearth.cases import selectors as case_selectors
from hearth.cases.models import CaseNote, Episode, LeadAssignment, LevelChange, StatusChange
from hearth.consent.models import Agreement
from hearth.core.models import Council
from hearth.demo import generator
from hearth.outcomes.models import Reading
from hearth.people.models import Family
from hearth.plans.models import Action, ActionStatus, Meeting, MeetingKind, Review
from hearth.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _day(moment):
    return timezone.localtime(moment).date()


def episode_problems(episode: Episode) -> list[str]:
    """What is out of order in one episode, in words; [] when it is consistent."""
    today = timezone.localdate()
    start, closed = episode.started_on, episode.closed_on
    end = closed or today
    name = f"{episode.family.name}, episode {episode.pk}"
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(f"{name}: {what}")

    # The history (and the chronology built from it) starts on the day the episode started, and ends by its close.
    history = ([(_day(c.changed_at), f"status '{c.transition}'") for c in StatusChange.objects.filter(episode=episode)]
               + [(_day(c.decided_at), "level") for c in LevelChange.objects.filter(episode=episode)]
               + [(_day(c.started_at), "lead") for c in LeadAssignment.objects.filter(episode=episode)])
    check(bool(history), "has no history")
    if history:
        check(min(d for d, _ in history) == start, f"history starts {min(history)} but the episode started {start}")
        for day, what in history:
            check(start <= day <= end, f"{what} on {day}, outside {start} to {end}")
            check(what != "status 'opened'" or day == start, f"opened on {day}, but it started on {start}")
    if closed:
        check(start <= closed <= today, f"closed on {closed}")
        check(episode.next_review_due is None, "closed with a next review date")

    # The assessment: begun after the start; completed ones have every section written, after they were begun.
    assessed = None
    for assessment in Assessment.objects.filter(episode=episode):
        check(start <= _day(assessment.started_at) <= end, f"assessment begun {_day(assessment.started_at)}")
        if assessment.status == AssessmentStatus.COMPLETED:
            sections = list(Section.objects.filter(assessment=assessment))
            written = [s for s in sections if s.facts.strip() and s.opinions.strip()]
            check(sections and len(written) == len(sections),
                  f"completed assessment has {len(written)} of {len(sections)} sections written")
            done = _day(assessment.completed_at)
            check(_day(assessment.started_at) <= done <= end, f"assessment completed {done}")
            assessed = done if assessed is None else min(assessed, done)

    # The plan is agreed at the first meeting, after the assessment; reviews follow it, each moving the date on.
    plan_day = None
    for meeting in Meeting.objects.filter(episode=episode, kind=MeetingKind.INITIAL, recorded_at__isnull=False):
        plan_day = _day(meeting.scheduled_for)
        check(assessed is None or assessed <= plan_day, f"plan agreed {plan_day} before the assessment {assessed}")
        check(plan_day <= end, f"plan agreed {plan_day}")
    agreed = [_day(c.changed_at) for c in StatusChange.objects.filter(episode=episode, transition="plan_agreed")]
    if plan_day and agreed:
        check(agreed[0] == plan_day, f"plan agreed in the history on {agreed[0]}, at its meeting on {plan_day}")
    held = list(Review.objects.filter(episode=episode).order_by("held_on", "pk"))
    for review in held:
        check(plan_day is None or review.held_on >= plan_day, f"review held {review.held_on} before the plan")
        check(review.held_on <= end, f"review held {review.held_on}")
        check(review.next_review_on is None or review.next_review_on > review.held_on,
              f"review held {review.held_on} set its next review for {review.next_review_on}")
    if held and not closed:
        latest = held[-1]
        check(episode.next_review_due == latest.next_review_on,
              f"next review due {episode.next_review_due}, but the latest review ({latest.held_on}) set "
              f"{latest.next_review_on}")
        check(episode.next_review_due is None or episode.next_review_due > latest.held_on,
              f"review due {episode.next_review_due} is older than the review held {latest.held_on}")
    for earlier, later in zip(held, held[1:], strict=False):
        check(earlier.next_review_on is None or earlier.next_review_on <= later.held_on + timedelta(weeks=1),
              f"the review of {earlier.held_on} was next due {earlier.next_review_on}, long after the next review "
              f"was held on {later.held_on}")

    # Scores, notes, actions and the episode's referrals fall inside the episode, in order.
    for reading in Reading.objects.filter(episode=episode):
        check(start <= reading.taken_on <= end, f"scores taken {reading.taken_on}")
        check(_day(reading.recorded_at) >= reading.taken_on, f"scores of {reading.taken_on} recorded before then")
    for note in CaseNote.objects.filter(episode=episode):
        check(start <= note.occurred_on <= end, f"case note of {note.occurred_on}")
    for action in Action.objects.filter(episode=episode):
        created = _day(action.created_at)
        check(start <= created <= end, f"action created {created}")
        check(plan_day is None or created >= plan_day, f"action created {created} before the plan {plan_day}")
        check(action.due_on >= created, f"action due {action.due_on} before it was created on {created}")
        if closed:
            check(action.status not in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS),
                  f"action still {action.status} after the episode closed")
    for referral in Referral.objects.filter(episode=episode):
        received = _day(referral.received_at)
        if referral.kind == "step_up":
            check(start <= received <= end, f"step up sent {received}")
            check(plan_day is None or received >= plan_day, f"step up sent {received} before the plan")
        else:
            check(received <= start, f"request received {received} after the episode it opened started {start}")
        if referral.screened_at:
            check(received <= _day(referral.screened_at) <= today, f"screened {_day(referral.screened_at)}")
    for agreement in Agreement.objects.filter(family=episode.family):
        check(agreement.given_on <= start, f"the family agreed to Early Help on {agreement.given_on}, after it "
                                           f"started on {start}")
    return problems


def council_problems(council) -> list[str]:
    episodes = Episode.objects.filter(family__council=council).select_related("family").order_by("pk")
    return [p for e in episodes for p in episode_problems(e)]


def _chronology_starts(family, user) -> list:
    return [e.on for e in case_selectors.chronology(user, family) if e.kind == "Episode"]


def test_every_demo_family_is_consistent_in_its_dates_and_states():
    call_command("load_demo")
    council = Council.objects.get(code="hearthshire")
    episodes = Episode.objects.filter(family__council=council)
    assert episodes.count() >= 8  # one for each stage but the request waiting for screening
    assert council_problems(council) == []
    # The Gill family's kind: a review held, and the next one overdue since, not an older one.
    overdue = [e for e in episodes.exclude(status="closed") if e.next_review_due and
               e.next_review_due < timezone.localdate()]
    assert overdue, "the demo shows an overdue review"
    for episode in overdue:
        latest = Review.objects.filter(episode=episode).order_by("-held_on").first()
        assert latest is not None and latest.next_review_on == episode.next_review_due
    # Each family's chronology, as its lead professional reads it, begins on the day its episode started.
    by_family = defaultdict(list)
    for episode in episodes.select_related("lead_professional"):
        by_family[episode.family_id].append(episode)
    for family in Family.objects.filter(pk__in=by_family):
        first = min(by_family[family.pk], key=lambda e: e.started_on)
        assert min(_chronology_starts(family, first.lead_professional)) == first.started_on, family.name
    # Every completed assessment of the demo says all its sections are written.
    for assessment in Assessment.objects.filter(episode__family__council=council, status=AssessmentStatus.COMPLETED):
        assert all(s.facts and s.opinions for s in assessment.sections.all())


def test_generated_work_is_consistent_too():
    council = generator.load_demo_council()
    users = generator.ensure_demo_users(council)
    generator.generate(council=council, families=60, seed=5, practitioners=users[:3], with_work=True)
    assert Episode.objects.filter(family__council=council).count() > 10
    assert council_problems(council) == []


def test_the_check_finds_an_inconsistent_family():
    """The check can fail: an assessment completed with one section written, a review left overdue after a later one,
    a history that starts after the episode did."""
    call_command("load_demo")
    council = Council.objects.get(code="hearthshire")
    episode = Episode.objects.filter(family__council=council, reviews__isnull=False).distinct().first()
    Section.objects.filter(assessment__episode=episode).exclude(key="background").update(facts="", opinions="")
    Episode.objects.filter(pk=episode.pk).update(next_review_due=episode.started_on + timedelta(days=1))
    later = timezone.now()
    StatusChange.objects.filter(episode=episode, transition="opened").update(changed_at=later)
    LevelChange.objects.filter(episode=episode).update(decided_at=later)
    LeadAssignment.objects.filter(episode=episode).update(started_at=later)
    problems = "\n".join(council_problems(council))
    assert "completed assessment has 1 of 5 sections written" in problems
    assert "but the latest review" in problems
    assert "history starts" in problems and "opened on" in problems
