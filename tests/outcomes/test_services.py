from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.outcomes import services
from hearth.outcomes.forms import ScoresForm
from hearth.outcomes.models import Reading, ReadingContext, Score


def _record(actor, episode, scores, taken_on=None, **kwargs):
    return services.reading_record(actor=actor, episode=episode, taken_on=taken_on or timezone.localdate(),
                                   scores=scores, context=kwargs.pop("context", ReadingContext.ASSESSMENT), **kwargs)


def test_a_full_set_of_scores_is_recorded_with_the_familys_own_scores_where_they_differ(
        practitioner, episode, all_scores):
    scores = all_scores(4, family_routine=(3, 6), home_and_money=(7, 7))
    reading = _record(practitioner, episode, scores)
    stored = {s.area: (s.score, s.family_score) for s in reading.scores.all()}
    assert len(stored) == 10
    assert stored["family_routine"] == (3, 6)
    assert stored["home_and_money"] == (7, None)  # the same as the agreed score: nothing to keep
    assert stored["physical_health"] == (4, None)
    assert reading.recorded_by == practitioner
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="outcomes.reading",
                                     object_id=str(reading.pk), family_id=episode.family_id).exists()


@pytest.mark.parametrize("bad", [0, 11, -3, 5.5, "5", True])
def test_a_score_outside_1_to_10_or_not_a_whole_number_is_refused(practitioner, episode, all_scores, bad):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(5, family_routine=(bad, None)))
    assert set(exc.value.errors) == {"score_family_routine"}
    assert "whole number from 1 to 10" in exc.value.errors["score_family_routine"]
    assert not Reading.objects.exists()


@pytest.mark.parametrize("bad", [0, 11])
def test_a_familys_own_score_outside_1_to_10_is_refused(practitioner, episode, all_scores, bad):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(5, social_networks=(5, bad)))
    assert set(exc.value.errors) == {"family_score_social_networks"}


def test_every_area_must_be_scored(practitioner, episode, all_scores):
    scores = all_scores(5)
    del scores["progress_to_work"]
    scores["home_and_money"] = (None, None)
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, scores)
    assert exc.value.errors == {
        "score_progress_to_work": "Enter a score from 1 to 10 for Progress to work",
        "score_home_and_money": "The score for Home and money must be a whole number from 1 to 10",
    }


def test_an_area_the_council_does_not_have_is_refused(practitioner, episode, all_scores):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(5, housing_costs=(5, None)))
    assert "housing_costs" in exc.value.errors["score_housing_costs"]
    assert not Score.objects.exists()


def test_scores_dated_in_the_future_are_refused(practitioner, episode, all_scores):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(), taken_on=timezone.localdate() + timedelta(days=1))
    assert exc.value.errors == {"taken_on": "The date the scores were taken must be today or in the past"}


def test_scores_dated_before_the_episode_started_are_refused(practitioner, episode, all_scores):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(), taken_on=episode.started_on - timedelta(days=1))
    assert "on or after the episode started" in exc.value.errors["taken_on"]
    reading = _record(practitioner, episode, all_scores(), taken_on=episode.started_on)
    assert reading.taken_on == episode.started_on


def test_several_problems_are_reported_together(practitioner, episode, all_scores):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(5, family_routine=(0, None), social_networks=(3, 12)),
                taken_on=timezone.localdate() + timedelta(days=3))
    assert set(exc.value.errors) == {"score_family_routine", "family_score_social_networks", "taken_on"}


def test_someone_not_working_with_the_family_cannot_record_scores(make, episode, all_scores):
    stranger = make("sam.stranger@example.test", Role.PRACTITIONER)
    with pytest.raises(NotPermitted):
        _record(stranger, episode, all_scores())
    assert not Reading.objects.exists()


def test_an_unknown_context_is_refused(practitioner, episode, all_scores):
    with pytest.raises(ValidationFailed) as exc:
        _record(practitioner, episode, all_scores(), context="whenever")
    assert "context" in exc.value.errors


def test_the_database_refuses_a_score_of_11(practitioner, episode, all_scores):
    reading = _record(practitioner, episode, all_scores())
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(reading=reading, area="extra", score=11)


def test_the_database_refuses_a_score_of_0_and_a_family_score_of_11(practitioner, episode, all_scores):
    reading = _record(practitioner, episode, all_scores())
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(reading=reading, area="extra", score=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(reading=reading, area="extra2", score=5, family_score=11)


def test_the_database_refuses_two_scores_for_one_area_in_a_reading(practitioner, episode, all_scores):
    reading = _record(practitioner, episode, all_scores())
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(reading=reading, area="family_routine", score=4)


# The form, as other apps use it ------------------------------------------------------------------------------

def _post(areas, value="5", **overrides):
    data = {f"score_{a['code']}": value for a in areas}
    data.update(overrides)
    return data


def test_the_form_gives_the_scores_in_the_shape_the_service_takes(council, areas, practitioner, episode):
    form = ScoresForm(council, _post(areas, "6", family_score_family_routine="3"))
    assert form.is_valid(), form.errors
    scores = form.scores()
    assert scores["family_routine"] == (6, 3)
    assert scores["physical_health"] == (6, None)
    reading = _record(practitioner, episode, scores)
    assert reading.scores.get(area="family_routine").family_score == 3


def test_the_form_has_a_labelled_required_field_per_area_and_an_optional_family_score(council, areas):
    form = ScoresForm(council)
    first = areas[0]
    assert form.fields[f"score_{first['code']}"].label == first["name"]
    assert form.fields[f"score_{first['code']}"].help_text == first["description"]
    assert form.fields[f"score_{first['code']}"].required
    assert form.fields[f"family_score_{first['code']}"].label == "The family's own score, if different"
    assert not form.fields[f"family_score_{first['code']}"].required
    assert len(form.fields) == 20


@pytest.mark.parametrize("value", ["abc", "0", "11", "4.5"])
def test_the_form_refuses_a_score_that_is_not_a_whole_number_from_1_to_10(council, areas, value):
    form = ScoresForm(council, _post(areas, score_family_routine=value, family_score_home_and_money=value))
    assert not form.is_valid()
    assert form.errors["score_family_routine"] == ["The score for Family routine must be a whole number from 1 to 10"]
    assert form.errors["family_score_home_and_money"] == [
        "The family's own score for Home and money must be a whole number from 1 to 10"]


def test_the_form_asks_for_a_missing_score(council, areas):
    form = ScoresForm(council, _post(areas, score_family_routine=""))
    assert not form.is_valid()
    assert form.errors["score_family_routine"] == ["Enter a score from 1 to 10 for Family routine"]


def test_the_form_takes_a_prefix_so_it_can_sit_inside_another_form(council, areas):
    data = {f"scores-{k}": v for k, v in _post(areas, "7").items()}
    form = ScoresForm(council, data, prefix="scores")
    assert form.is_valid(), form.errors
    assert form.scores()["progress_to_work"] == (7, None)
