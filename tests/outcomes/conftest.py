"""Fixtures for the outcomes tests. The episode here began 400 days ago (the root `episode` begins today), so
readings can be recorded across more than a year of it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hearth.outcomes import services
from hearth.outcomes.models import ReadingContext
from tests.factories import EpisodeFactory


@pytest.fixture
def episode(practitioner, family):
    """Begun 400 days ago, unlike the root `episode`: readings are recorded across more than a year of it."""
    return EpisodeFactory(family=family, actor=practitioner, lead=practitioner,
                          started_on=timezone.localdate() - timedelta(days=400))


@pytest.fixture
def areas(council):
    return council.outcome_areas


@pytest.fixture
def all_scores(areas):
    def _all(value=5, family=None, **overrides):
        scores = {a["code"]: (value, family) for a in areas}
        scores.update(overrides)
        return scores

    return _all


@pytest.fixture
def record(practitioner, episode, all_scores):
    def _record(taken_on: date, value=5, **overrides):
        return services.reading_record(actor=practitioner, episode=episode, taken_on=taken_on,
                                       scores=all_scores(value, **overrides), context=ReadingContext.CHECK_IN)

    return _record
