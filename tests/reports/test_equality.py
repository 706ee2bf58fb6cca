"""The equality report as an analyst reads it: children counted once a column by sex, ethnicity, age band or
disability, the columns overlapping so with no row totals, small counts hidden."""

import pytest
from django.utils import timezone

from hearth.people.models import Ethnicity, Person, Sex
from hearth.rights.models import RequestDecision, RequestKind, Restriction, RightsRequest
from tests.factories import ChildFactory, ClosedEpisodeFactory, EpisodeFactory, FamilyFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db
URL = "/reports/equality"




@pytest.fixture
def children(practitioner):
    """Seven families starting Early Help today, each with Max; two with Sam too; the seventh's Early Help already
    closed with its outcomes achieved."""
    for i in range(7):
        family = FamilyFactory(actor=practitioner, name=f"The Equal {i} family")
        ChildFactory(family=family)
        if i < 2:
            ChildFactory(family=family, given_name="Sam", sex=Sex.FEMALE)
        (ClosedEpisodeFactory if i == 6 else EpisodeFactory)(family=family, actor=practitioner)


def test_children_by_sex_with_small_counts_hidden_and_no_row_totals(client_for, analyst, children):
    rows = table_rows(client_for(analyst).get(URL, {"by": "sex"}).content.decode(), "equality", headings=True)
    assert rows[""] == ["Sex", "In Early Help now", "Started in the period", "Closed in the period",
                        "Closed with outcomes achieved"]  # no Total column: the columns overlap
    # The truth: girls [2, 2, 0, 0], boys [6, 7, 1, 1]; the columns' totals [8, 9, 1, 1].
    assert rows["Female"] == ["[c]", "[c]", "0", "0"]
    assert rows["Male"] == ["[c]", "[c]", "[c]", "[c]"]
    assert rows["Total"] == ["8", "9", "[c]", "[c]"]


def test_children_by_ethnicity_and_by_age_band(client_for, analyst, children):
    client = client_for(analyst)
    rows = table_rows(client.get(URL).content.decode(), "equality")
    assert rows[dict(Ethnicity.choices)[Ethnicity.NOBT]] == ["8", "9", "[c]", "[c]"]
    rows = table_rows(client.get(URL, {"by": "age_band"}).content.decode(), "equality")
    assert rows["5-10"] == ["8", "9", "[c]", "[c]"]  # all born in 2016


def test_a_level_with_no_children_shows_none(client_for, analyst, children):
    page = client_for(analyst).get(URL, {"by": "sex", "level": "4"}).content.decode()
    assert 'id="equality-none"' in page


def test_children_erased_or_restricted_are_left_out(client_for, analyst, children, council, dpo):
    girls = list(Person.objects.filter(given_name="Sam").order_by("pk"))
    request = RightsRequest.objects.create(
        council=council, person=girls[0], kind=RequestKind.RESTRICTION, asked="Stop using it",
        received_on=timezone.localdate(), created_by=dpo, decision=RequestDecision.ACCEPTED,
        decided_at=timezone.now(), decided_by=dpo)
    Restriction.objects.create(request=request, person=girls[0], what="While it is checked", started_by=dpo)
    Person.objects.filter(pk=girls[1].pk).update(erased_at=timezone.now())
    rows = table_rows(client_for(analyst).get(URL).content.decode(), "equality")
    assert rows[dict(Ethnicity.choices)[Ethnicity.NOBT]] == ["6", "7", "[c]", "[c]"]  # 8 and 9, less the two
