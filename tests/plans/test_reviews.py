"""Reviews of the plan (hearth.plans.reviews): progress on each outcome, scores, the next review, and a change
of the level of need or closing decided at a review."""

import pytest
from django.utils import timezone

from hearth.cases.models import LevelChange
from hearth.core.errors import ValidationFailed
from hearth.outcomes.models import Reading
from hearth.plans import reviews
from hearth.plans.models import MeetingKind, OutcomeProgress, OutcomeStatus, Review, ReviewDecision
from hearth.plans.reviews import ProgressInput
from tests.plans.conftest import in_days, plan_with_one_action

pytestmark = pytest.mark.django_db


# --- reviews -------------------------------------------------------------------------------------------------


def _review(episode, actor, scores, outcome=None, **overrides):
    kwargs = {"actor": actor, "episode": episode, "held_on": timezone.localdate(), "summary": "Going well",
              "decision": ReviewDecision.CONTINUE, "next_review_on": in_days(42), "scores": scores,
              "progress": {outcome.pk: ProgressInput("partly_met", "Better mornings")} if outcome else {}}
    kwargs.update(overrides)
    return reviews.review_record(**kwargs)


def test_a_review_records_progress_scores_and_the_next_review(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    review = _review(episode, practitioner, scores, outcome)
    assert OutcomeProgress.objects.get(review=review).progress == "partly_met"
    reading = Reading.objects.get(review=review)
    assert reading.context == "review" and reading.taken_on == timezone.localdate()
    assert reading.scores.count() == len(scores)
    episode.refresh_from_db()
    assert episode.next_review_due == in_days(42)


def test_a_review_in_the_future_is_refused(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, held_on=in_days(1))
    assert exc.value.errors["held_on"] == "The review date must be today or in the past"


def test_continuing_needs_a_next_review_date_in_the_future(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, next_review_on=None)
    assert exc.value.errors["next_review_on"] == "Enter the date of the next review"
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, next_review_on=timezone.localdate())
    assert exc.value.errors["next_review_on"] == "The next review date must be in the future"


def test_progress_is_required_for_each_open_outcome(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, progress={})
    assert exc.value.errors == {
        f"progress_{outcome.pk}": "Say whether this outcome has been met, partly met or not met"}


def test_met_outcomes_are_marked_achieved(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    _review(episode, practitioner, scores, progress={outcome.pk: ProgressInput("met")})
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.ACHIEVED


def test_invalid_scores_save_nothing(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    bad = dict(scores)
    bad.pop(next(iter(bad)))
    with pytest.raises(ValidationFailed):
        _review(episode, practitioner, bad, outcome, progress={outcome.pk: ProgressInput("met")})
    assert not Review.objects.exists()
    assert not OutcomeProgress.objects.exists()
    assert not Reading.objects.exists()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.OPEN
    episode.refresh_from_db()
    assert episode.next_review_due is None


def test_stepping_down_changes_the_level_from_the_review(level_3_episode, practitioner, scores):
    _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_DOWN, new_level=2,
            level_reasons="Needs met by school and health visitor")
    level_3_episode.refresh_from_db()
    assert level_3_episode.level == 2
    assert LevelChange.objects.filter(episode=level_3_episode, level=2, source="review").exists()


def test_stepping_down_to_a_level_not_lower_is_refused(level_3_episode, practitioner, scores):
    for level in (3, 4, None):
        with pytest.raises(ValidationFailed) as exc:
            _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_DOWN, new_level=level,
                    level_reasons="Better")
        expected = ("Choose the new level of need" if level is None
                    else "To step down, choose a level lower than the current one (level 3, Complex)")
        assert exc.value.errors["new_level"] == expected
    assert not Review.objects.exists()


def test_stepping_up_to_a_level_not_higher_is_refused(level_3_episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=2,
                level_reasons="Worse")
    assert exc.value.errors["new_level"] == "To step up, choose a level higher than the current one (level 3, Complex)"


def test_stepping_up_changes_the_level(episode, practitioner, scores):
    review = _review(episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=4,
                     level_reasons="Risk has increased", next_review_on=None)
    episode.refresh_from_db()
    assert episode.level == 4 and review.new_level == 4


def test_a_level_change_needs_reasons(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=4, level_reasons="")
    assert exc.value.errors["level_reasons"] == "Give the reasons for the change in the level of need"


def test_closing_at_a_review_keeps_the_episode_open_for_the_closure_page(episode, practitioner, scores):
    review = _review(episode, practitioner, scores, decision=ReviewDecision.CLOSE, next_review_on=None)
    episode.refresh_from_db()
    assert review.next_review_on is None and episode.is_open


def test_a_review_can_link_a_review_meeting_once(episode, practitioner, scores, schedule):
    meeting = schedule(episode, MeetingKind.REVIEW)
    _review(episode, practitioner, scores, meeting=meeting)
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, meeting=meeting)
    assert exc.value.errors["meeting"] == "That meeting already has a review recorded"
