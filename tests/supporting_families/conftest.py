import datetime
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from hearth.access import grants
from hearth.accounts.models import Role
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core import profiles
from hearth.people.models import Family

REDCAR = Path(profiles.PROFILE_DIR) / "redcar-and-cleveland.yaml"


@pytest.fixture
def taking_part(council):
    """The test council takes part in the programme, with Redcar and Cleveland's descriptors and a six-month
    sustained period."""
    council.supporting_families = yaml.safe_load(REDCAR.read_text())["councils"][0]["supporting_families"]
    council.save()
    return council


@pytest.fixture
def coordinator(make, team, family):
    """The Early Help coordinator of the family's locality: sees the family, checks claims."""
    Family.objects.filter(pk=family.pk).update(locality=team.locality)
    user = make("cy.coordinator@example.test", Role.COORDINATOR, team=team)
    grants.refresh_family(family)
    return user


@pytest.fixture
def analyst(make):
    return make("ali.analyst@example.test", Role.ANALYST)


def close(episode, on: datetime.date) -> None:
    """Close the family's episode on the day (the closure journey is tested in cases), started 90 days before if it
    started later."""
    episode.refresh_from_db()
    start = min(episode.started_on, on - datetime.timedelta(days=90))
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED, started_on=start, closed_on=on,
                                                 end_reason="achieved")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
