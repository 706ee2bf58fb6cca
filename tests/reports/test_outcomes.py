"""The outcomes report as an analyst reads it: for Early Help closed in the period, the mean first and latest
scores in each area (the family's own beside the worker's, a mean of a few families hidden), why it closed and how
the plans' outcomes ended, small counts hidden; the download holds them all."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from hearth.cases.models import Episode, EpisodeOrigin, EpisodeStatus
from hearth.outcomes.models import Reading, ReadingContext, Score
from hearth.plans.models import OutcomeStatus, PlanOutcome
from tests.factories import FamilyFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db
URL = "/reports/outcomes"
TODAY = timezone.localdate()




@pytest.fixture
def closed(council, practitioner):
    """Six episodes closed 10 days ago with outcomes achieved; each scored 3 then 7 in the council's first area by
    the worker, two of them by the family too (4 then 8); six outcomes achieved and one not."""
    area = council.outcome_areas[0]["code"]
    for i in range(6):
        family = FamilyFactory(actor=practitioner, name=f"The Outcome {i} family")
        episode = Episode.objects.create(
            family=family, origin=EpisodeOrigin.PRACTITIONER, reason="N4", level=2,
            started_on=TODAY - datetime.timedelta(days=200), status=EpisodeStatus.CLOSED,
            closed_on=TODAY - datetime.timedelta(days=10), end_reason="outcomes_achieved")
        for days_ago, score, family_score in ((190, 3, 4), (20, 7, 8)):
            reading = Reading.objects.create(episode=episode, taken_on=TODAY - datetime.timedelta(days=days_ago),
                                             context=ReadingContext.REVIEW)
            Score.objects.create(reading=reading, area=area, score=score,
                                 family_score=family_score if i < 2 else None)
        PlanOutcome.objects.create(episode=episode, description="Things are better", status=OutcomeStatus.ACHIEVED)
    PlanOutcome.objects.create(episode=episode, description="Sleep", status=OutcomeStatus.NOT_ACHIEVED)
    return council.outcome_areas[0]["name"]




def test_distance_travelled_closure_reasons_and_how_outcomes_ended(client_for, analyst, closed):
    page = client_for(analyst).get(URL).content.decode()
    areas = table_rows(page, "areas")
    # Six families scored by the worker: the means are shown; two by the family: hidden.
    assert areas[closed] == ["6", "3.0", "7.0", "+4.0", "[c]", "[c]", "[c]"]
    assert "(6 episodes)" in page
    assert table_rows(page, "closure_reasons") == {"Desired outcomes have been achieved": ["6"], "Total": ["6"]}
    # Six achieved and one not: the one hidden, and the six with it.
    assert table_rows(page, "outcomes_ended") == {"Achieved": ["[c]"], "Not achieved": ["[c]"], "Total": ["7"]}


def test_nothing_closed_in_the_period_shows_no_scores(client_for, analyst, closed):
    start = TODAY - datetime.timedelta(days=5)
    page = client_for(analyst).get(URL, {"date_from-day": start.day, "date_from-month": start.month,
                                         "date_from-year": start.year}).content.decode()
    assert "(0 episodes)" in page
    assert table_rows(page, "areas")[closed] == ["0"] + ["No scores"] * 6


def test_the_download_holds_the_scores_and_the_tables(client_for, analyst, closed):
    response = client_for(analyst).get(URL, {"download": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["Distance travelled in each outcome area (mean scores out of 10)"]
    assert [closed, "6", "3.0", "7.0", "+4.0", "[c]", "[c]", "[c]"] in lines
    assert ["Achieved", "[c]"] in lines and ["Total", "7"] in lines
