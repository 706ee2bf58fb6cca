"""Gloucestershire reviews a disabled child's plan six-monthly after a step down from a Child in Need plan (the
profile's rule `disabled_child_step_down_review_weeks`); every other plan keeps the council's interval."""

import datetime

import pytest
from django.utils import timezone

from hearth.cases import review_dates
from hearth.cases.models import Episode, EpisodeOrigin
from hearth.core import profiles
from hearth.people.models import Disability, Person
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_monthly(council):
    council.rules = {"disabled_child_step_down_review_weeks": 26}
    council.save()
    return council


def _stepped_down(episode) -> Episode:
    Episode.objects.filter(pk=episode.pk).update(origin=EpisodeOrigin.STEP_DOWN)
    episode.refresh_from_db()
    return episode


def _child(family, practitioner, disability) -> Person:
    child = ChildFactory(family=family, actor=practitioner)
    Person.objects.filter(pk=child.pk).update(disability=disability)
    return child


def test_a_disabled_childs_plan_after_a_step_down_is_reviewed_six_monthly(six_monthly, family, practitioner,
                                                                          episode):
    _child(family, practitioner, Disability.YES)
    episode = _stepped_down(episode)
    today = timezone.localdate()
    assert review_dates.interval_weeks(six_monthly, episode) == 26
    assert review_dates.default_date(six_monthly, today, episode=episode) == today + datetime.timedelta(weeks=26)
    assert review_dates.reason_problem(six_monthly, today + datetime.timedelta(weeks=20), "", from_date=today,
                                       episode=episode) == ""
    assert "within 26 weeks" in review_dates.reason_problem(six_monthly, today + datetime.timedelta(weeks=30), "",
                                                            from_date=today, episode=episode)


@pytest.mark.parametrize("disability, origin", [
    (Disability.NO, EpisodeOrigin.STEP_DOWN),
    (Disability.NOT_KNOWN, EpisodeOrigin.STEP_DOWN),
    (Disability.YES, EpisodeOrigin.PRACTITIONER),
])
def test_other_plans_keep_the_councils_interval(six_monthly, family, practitioner, episode, disability, origin):
    _child(family, practitioner, disability)
    Episode.objects.filter(pk=episode.pk).update(origin=origin)
    episode.refresh_from_db()
    assert review_dates.interval_weeks(six_monthly, episode) == six_monthly.review_interval_weeks
    assert "within 6 weeks" in review_dates.reason_problem(
        six_monthly, timezone.localdate() + datetime.timedelta(weeks=20), "", episode=episode)


def test_without_the_rule_a_disabled_childs_plan_keeps_the_councils_interval(council, family, practitioner,
                                                                            episode):
    _child(family, practitioner, Disability.YES)
    assert review_dates.interval_weeks(council, _stepped_down(episode)) == council.review_interval_weeks


def test_gloucestershire_reviews_six_monthly_and_a_rule_out_of_range_is_refused():
    (glos,) = profiles.read_file(profiles.PROFILE_DIR / "gloucestershire.yaml")
    assert glos["rules"]["disabled_child_step_down_review_weeks"] == 26
    for bad in (0, 60, "six months", True):
        glos["rules"]["disabled_child_step_down_review_weeks"] = bad
        with pytest.raises(profiles.ProfileError, match="disabled_child_step_down_review_weeks must be a whole"):
            profiles.validate(glos, where="gloucestershire.yaml")


def test_the_rule_knows_a_step_down_by_the_episodes_own_origin():
    assert review_dates.STEP_DOWN == EpisodeOrigin.STEP_DOWN
