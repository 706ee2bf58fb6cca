"""The caseload report as an analyst, a manager and a coordinator use it: open episodes counted by team, agency,
locality, lead professional and level, small counts hidden as [c] on the page and in the download, filters of the
council's own, refusals for anyone else and for another council's team, and a fixed number of statements."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from odf import opendocument, teletype
from odf.table import Table as Sheet
from odf.table import TableCell, TableRow

from hearth.access import grants
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases.models import EpisodeStatus
from hearth.core.dates import add_years
from hearth.people.models import Family
from tests.factories import ChildFactory, EpisodeFactory, FamilyFactory, TeamFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db
URL = "/reports/caseload"




@pytest.fixture
def teams(council):
    north = TeamFactory(agency__council=council, name="North team")
    south = TeamFactory(agency__council=council, name="South team",
                        locality=council.localities.get(code="south"))
    return north, south


@pytest.fixture
def caseload(make, teams):
    """North team: 5 in assessment and 1 with a plan; South team: 2 in assessment; a lead with no team: 5 plans,
    one of them with no review date; and 1 family with no lead professional."""
    north, south = teams
    leads = {"north": make("nell.north@example.test", team=north), "south": make("sam.south@example.test",
                                                                                 team=south),
             "none": make("nat.noteam@example.test")}

    def open_for(actor, n, status=EpisodeStatus.ASSESSMENT, **kwargs):
        for i in range(n):
            family = FamilyFactory(actor=actor, name=f"The {actor.full_name.split()[0]} {status} {i} family")
            EpisodeFactory(actor=actor, family=family, status=status, **kwargs)

    open_for(leads["north"], 5)
    open_for(leads["north"], 1, EpisodeStatus.PLAN)
    open_for(leads["south"], 2)
    open_for(leads["none"], 5, EpisodeStatus.PLAN)
    open_for(leads["none"], 1, lead=None)
    return leads




def _figure(page: str, figure_id: str) -> str:
    return re.search(rf'id="{figure_id}">(.*?)</dd>', page, re.S).group(1).strip()


def test_the_analyst_lands_on_the_reports_and_reaches_the_caseload(client_for, analyst):
    client = client_for(analyst)
    page = client.get(reverse("reports:home")).content.decode()
    assert f'href="{URL}"' in page and "How small numbers are protected" in page
    assert 'href="/reports"' in page  # "Reports" in the navigation


def test_open_episodes_by_team_with_every_small_count_hidden(client_for, analyst, caseload):
    page = client_for(analyst).get(URL).content.decode()
    rows = table_rows(page, "caseload")
    assert list(rows) == ["North team", "No team recorded", "South team", "Total"] or \
        list(rows) == ["North team", "South team", "No team recorded", "Total"]
    # The true counts: North [5, 1, 0, 0] = 6, South [2, 0, 0, 0] = 2, no team (the lead without a team and the
    # family with no lead) [1, 5, 0, 0] = 6; columns [8, 6, 0, 0] = 14.
    truth = {"North team": [5, 1, 0, 0, 6], "South team": [2, 0, 0, 0, 2], "No team recorded": [1, 5, 0, 0, 6],
             "Total": [8, 6, 0, 0, 14]}
    for heading, cells in rows.items():
        for shown, true in zip(cells, truth[heading], strict=True):
            assert shown in ("[c]", str(true)), (heading, cells)
            if 1 <= true <= 4:
                assert shown == "[c]", (heading, cells)
    assert rows["Total"][-1] == "14" and _figure(page, "open-total") == "14"
    assert rows["South team"] == ["[c]", "0", "0", "0", "[c]"]
    # Each row with one hidden count has another hidden beside it: none can be worked out from its total.
    for heading, cells in rows.items():
        assert cells.count("[c]") != 1, heading
    assert _figure(page, "without-lead") == "[c]"  # one family
    assert _figure(page, "reviews-out-of-date") == "6"  # six plans, none with a review date yet
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="hearth-chart hearth-bar-chart"' in page
    assert "Open episodes by team of the lead professional" in page


def test_counting_by_lead_professional_and_filtering_by_team(client_for, analyst, caseload, teams):
    client = client_for(analyst)
    rows = table_rows(client.get(URL, {"by": "lead"}).content.decode(), "caseload")
    assert rows["Nell North"] == ["6"] and rows["Nat Noteam"] == ["5"] and rows["Total"] == ["14"]
    assert rows["Sam South"] == ["[c]"] and rows["No lead professional"] == ["[c]"]
    page = client.get(URL, {"by": "level", "team": teams[0].pk}).content.decode()
    # One row, [5, 1, 0, 0] = 6: the 5 is hidden too, or 6 - 5 would give the 1 away.
    assert table_rows(page, "caseload") == {"Level 2": ["[c]", "[c]", "0", "0", "6"],
                                            "Total": ["[c]", "[c]", "0", "0", "6"]}


def test_a_team_of_another_council_is_refused_and_nothing_is_counted(client_for, analyst, caseload, other_council):
    elsewhere = TeamFactory(agency__council=other_council, name="Far team", locality=None)
    response = client_for(analyst).get(URL, {"team": elsewhere.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose a team from the list: the one asked for is not one of" in page
    assert 'id="caseload"' not in page and 'id="key-figures"' not in page


def test_the_download_is_protected_like_the_page_and_audited_as_an_export(client_for, analyst, caseload):
    response = client_for(analyst).get(URL, {"by": "lead", "download": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="caseload-by-lead-' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[:2] == [["Open episodes by lead professional"], ["Lead professional", "Open episodes"]]
    body = {line[0]: line[1:] for line in lines[2:] if len(line) == 2}
    assert body["Sam South"] == ["[c]"] and body["Nell North"] == ["6"] and body["Total"] == ["14"]
    assert "[c]: a count from 1 to 4" in lines[-2][0] and "Counted at" in lines[-1][0]
    event = AuditEvent.objects.get(actor=analyst, action=AuditAction.EXPORT)
    assert event.detail == {"report": "caseload", "by": "lead", "filters": {}, "council": "oxfordshire",
                            "format": "csv"}


def test_the_spreadsheet_download_holds_the_same_protected_figures(client_for, analyst, caseload):
    response = client_for(analyst).get(URL, {"by": "lead", "download": "ods"})
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert 'filename="caseload-by-lead-' in response["Content-Disposition"]
    document = opendocument.load(io.BytesIO(response.content))
    sheets = document.spreadsheet.getElementsByType(Sheet)
    assert [s.getAttribute("name") for s in sheets] == ["Open episodes by lead", "About these figures"]
    rows = [[teletype.extractText(c) for c in r.getElementsByType(TableCell)]
            for r in sheets[0].getElementsByType(TableRow)]
    assert ["Sam South", "[c]"] in rows and ["Total", "14"] in rows
    total = next(r for r in sheets[0].getElementsByType(TableRow)
                 if teletype.extractText(r.getElementsByType(TableCell)[0]) == "Total")
    assert total.getElementsByType(TableCell)[1].getAttribute("valuetype") == "float"  # a number, not text


def test_managers_coordinators_and_the_dpo_read_reports_and_practitioners_do_not(client_for, make, dpo,
                                                                                 practitioner):
    for role in (Role.MANAGER, Role.COORDINATOR):
        user = make(f"{role}.reader@example.test", role)
        assert client_for(user).get(URL).status_code == 200
    assert client_for(dpo).get(URL).status_code == 200
    for user in (practitioner,):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).get(reverse("reports:home")).status_code == 403


def test_the_page_takes_the_same_statements_for_more_episodes(client_for, analyst, caseload, make, teams):
    client = client_for(analyst)

    def statements():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = statements()
    lead = make("lee.more@example.test", team=teams[1])
    for i in range(6):
        EpisodeFactory(actor=lead, family=FamilyFactory(actor=lead, name=f"The More {i} family"))
    assert statements() == before


def test_a_manager_follows_a_row_to_the_families_they_may_see_and_the_analyst_cannot(client_for, make, analyst,
                                                                                      caseload, teams):
    north, _ = teams
    # The manager of the North team sees the families its members lead.
    north.manager = make("mo.manager@example.test", Role.MANAGER, team=north)
    north.save()
    grants.refresh_team(north)
    manager = north.manager
    client = client_for(manager)
    page = client.get(URL).content.decode()
    link = f'/reports/caseload/families?by=team&amp;row={north.pk}'
    assert link in page and "the families you may see" in page
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    names = re.findall(r'<a class="govuk-link" href="/episodes/\d+">(.*?)</a>', listed)
    assert len(names) == 6 and all(name.startswith("The Nell") for name in names)
    event = AuditEvent.objects.filter(actor=manager, action=AuditAction.SEARCH).latest("pk")
    assert event.detail["purpose"] == "caseload_row" and len(event.detail["results"]) == 6
    # The South team's row: families the manager may not see are neither listed nor counted.
    south = client.get(f"/reports/caseload/families?by=team&row={teams[1].pk}").content.decode()
    assert "None of the families in this row is one you may see." in south
    # The analyst sees counts only.
    assert "/reports/caseload/families" not in client_for(analyst).get(URL).content.decode()
    assert client_for(analyst).get(link.replace("&amp;", "&")).status_code == 403
    assert client_for(manager).get("/reports/caseload/families?by=team&row=x1").status_code == 404


def test_filtering_by_the_age_of_a_child_in_the_family(client_for, analyst, caseload):
    """Five of the North team's families have a three-year-old, one has a twelve-year-old; the rest have no
    children."""
    today = timezone.localdate()
    families = list(Family.objects.filter(name__startswith="The Nell").order_by("name"))
    for family in families[:5]:
        ChildFactory(family=family, date_of_birth=add_years(today, -3))
    ChildFactory(family=families[5], date_of_birth=add_years(today, -12) - datetime.timedelta(days=1))
    client = client_for(analyst)
    rows = table_rows(client.get(URL, {"by": "lead", "age_band": "0-4"}).content.decode(), "caseload")
    assert rows == {"Nell North": ["5"], "Total": ["5"]}
    rows = table_rows(client.get(URL, {"by": "lead", "age_band": "11-15"}).content.decode(), "caseload")
    assert rows == {"Nell North": ["[c]"], "Total": ["[c]"]}
    page = client.get(URL, {"by": "lead", "age_band": "30-40"}).content.decode()
    assert "Choose an age band from the list" in page and 'id="caseload"' not in page
