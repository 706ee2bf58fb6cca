"""Reporting on the councils of a shared Early Help service (Cambridgeshire and Peterborough): the council filter
offers them, and no other council."""

import pytest

from conftest import make_user
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from tests.factories import CouncilFactory, EpisodeFactory, FamilyFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db


def test_an_analyst_of_a_shared_service_reports_on_either_council_and_no_other(client_for, council):
    cambridgeshire, peterborough = CouncilFactory(code="cambridgeshire"), CouncilFactory(code="peterborough")
    assert cambridgeshire.service_name == peterborough.service_name
    analyst = make_user(cambridgeshire, "ali.analyst@example.test", [Role.ANALYST])
    lead = make_user(peterborough, "pat.lead@example.test", [Role.PRACTITIONER])
    for i in range(6):
        EpisodeFactory(actor=lead, family=FamilyFactory(actor=lead, name=f"The Peter {i} family"), lead=lead)
    client = client_for(analyst)
    own = client.get("/reports/caseload", {"by": "level"}).content.decode()
    assert "Early Help episodes open in Cambridgeshire County Council" in own
    assert 'name="council"' in own and "Peterborough City Council</option>" in own
    assert 'id="caseload-none"' in own  # Cambridgeshire has no Early Help open
    other = client.get("/reports/caseload", {"by": "level", "council": "peterborough"}).content.decode()
    assert "Early Help episodes open in Peterborough City Council" in other
    assert table_rows(other, "caseload")["Total"][-1] == "6"
    client.get("/reports/caseload", {"by": "level", "council": "peterborough", "download": "csv"})
    assert AuditEvent.objects.filter(actor=analyst, action=AuditAction.EXPORT).latest("pk").detail["council"] == \
        "peterborough"
    # A council outside the service is refused, and nothing is counted.
    refused = client.get("/reports/flow", {"council": council.code}).content.decode()
    assert "Choose a council from the list: you may report on the councils of your Early Help service only" in refused
    assert 'id="requests"' not in refused


def test_a_council_on_its_own_offers_no_council_filter(client_for, make):
    page = client_for(make("ali.analyst@example.test", Role.ANALYST)).get("/reports/caseload").content.decode()
    assert 'name="council"' not in page
