"""The claims list: families whose every need shows progress at closure and sustained, for the council's team to
check (someone other than who recorded the progress), and the quarterly return they count in."""

import csv
import io

import pytest
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.reports.periods import Quarter
from hearth.supporting_families.models import Claim, Need
from tests.reports.pages import table_rows
from tests.supporting_families.conftest import close, days_ago
from tests.supporting_families.test_family import errors, judge, record_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_family(client_for, practitioner, family, episode, taking_part):
    """Three needs, each with progress at closure (250 days ago) and sustained (today), recorded by the lead."""
    client = client_for(practitioner)
    for need, descriptor in (("education", "persistent_absence"), ("housing", "homelessness_risk"),
                             ("finances", "debt")):
        record_need(client, family, need, descriptor, on=days_ago(400))
    close(episode, days_ago(250))
    for need in Need.objects.filter(family=family):
        judge(client, need, "closure", on=days_ago(250))
        judge(client, need, "sustained")
    return family


def test_the_coordinator_checks_a_ready_claim_and_it_is_claimed_this_quarter(client_for, coordinator, ready_family):
    client = client_for(coordinator)
    listed = client.get("/supporting-families/claims").content.decode()
    assert "The Testfamily family</a>" in " ".join(table_rows(listed, "ready"))
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditAction.SEARCH,
                                     object_type="supporting_families.claim").latest("pk").detail["results"] == [
        ready_family.pk]
    page = client.get(f"/families/{ready_family.pk}/supporting-families").content.decode()
    assert "the claim is ready for the council's team to check" in page
    url = f"/families/{ready_family.pk}/supporting-families/claim"
    assert errors(client.post(url, {"decision": "rejected", "reason": ""})) == ["Enter why the claim is rejected"]
    assert client.post(url, {"decision": "accepted"}).status_code == 302
    claim = Claim.objects.get(family=ready_family)
    assert claim.decision == "accepted" and sorted(claim.needs) == ["education", "finances", "housing"]
    listed = client.get("/supporting-families/claims").content.decode()
    assert "No claims are waiting to be checked." in listed
    assert [cells[0] for cells in table_rows(listed, "decided").values()] == ["Accepted"]
    # The quarterly return for this quarter, exact for the programme's team.
    quarter = Quarter.of(timezone.localdate())
    returned = client.get("/supporting-families", {"quarter": quarter.code}).content.decode()
    assert table_rows(returned, "claimed")["Families with successful outcomes claimed in the quarter"] == ["1"]
    assert table_rows(returned, "needs")["Secure housing"] == ["0", "1"]  # not worked with this quarter: closed


def test_whoever_recorded_the_progress_may_not_check_its_claim(client_for, practitioner, make, team, ready_family):
    manager = make("mo.manager@example.test", Role.MANAGER, team=team)
    # The lead is a practitioner, and may not check at all.
    assert client_for(practitioner).post(f"/families/{ready_family.pk}/supporting-families/claim",
                                         {"decision": "accepted"}).status_code == 403
    assert client_for(practitioner).get("/supporting-families/claims").status_code == 403
    assert not Claim.objects.exists()
    assert manager  # a manager of another team does not see the family: the list does not show it
    assert "No claims are waiting to be checked." in client_for(manager).get(
        "/supporting-families/claims").content.decode()


def test_a_checker_who_judged_progress_is_refused(client_for, coordinator, ready_family):
    client = client_for(coordinator)
    need = Need.objects.filter(family=ready_family).first()
    assert judge(client, need, "sustained", evidence="Checked again at the home visit").status_code == 302
    response = client.post(f"/families/{ready_family.pk}/supporting-families/claim", {"decision": "accepted"})
    assert errors(response) == [
        "You recorded some of the progress this claim rests on: someone else must check it"]
    assert not Claim.objects.exists()


def test_a_rejected_claim_comes_back_when_progress_is_judged_again(client_for, coordinator, practitioner,
                                                                   ready_family):
    client = client_for(coordinator)
    client.post(f"/families/{ready_family.pk}/supporting-families/claim",
                {"decision": "rejected", "reason": "The school's figures are for the wrong child"})
    assert "No claims are waiting to be checked." in client.get("/supporting-families/claims").content.decode()
    page = client.get(f"/families/{ready_family.pk}/supporting-families").content.decode()
    assert "The claim was rejected, and no progress has been judged since." in page
    need = Need.objects.get(family=ready_family, need="education")
    judge(client_for(practitioner), need, "sustained", evidence="The right child's attendance: 97%")
    assert "The Testfamily family" in client_for(coordinator).get("/supporting-families/claims").content.decode()


def test_the_return_counts_families_worked_with_and_the_analyst_sees_small_numbers_hidden(
        client_for, coordinator, analyst, practitioner, family, episode, taking_part):
    client = client_for(practitioner)
    for need, descriptor in (("education", "persistent_absence"), ("housing", "homelessness_risk"),
                             ("crime", "offending")):
        record_need(client, family, need, descriptor, on=timezone.localdate())
    quarter = Quarter.of(timezone.localdate())
    exact = client_for(coordinator).get("/supporting-families", {"quarter": quarter.code}).content.decode()
    assert "as the council submits them" in exact
    rows = table_rows(exact, "return")
    assert rows["Joined the programme in the quarter"] == ["1"] and rows["Total"] == ["1"]
    assert table_rows(exact, "needs")["Crime prevention and tackling crime"] == ["1", "0"]
    protected = client_for(analyst).get("/supporting-families", {"quarter": quarter.code}).content.decode()
    assert table_rows(protected, "return")["Joined the programme in the quarter"] == ["[c]"]
    assert table_rows(protected, "needs")["Crime prevention and tackling crime"] == ["[c]", "0"]
    assert "Claims to check" not in protected
    download = client_for(analyst).get("/supporting-families", {"quarter": quarter.code, "download": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert ["Joined the programme in the quarter", "[c]"] in lines
    event = AuditEvent.objects.filter(actor=analyst, action=AuditAction.EXPORT).latest("pk")
    assert event.detail == {"report": "quarterly_return", "quarter": quarter.code, "exact": False, "format": "csv"}
    # The quarter before: nothing yet.
    before = client_for(analyst).get("/supporting-families", {"quarter": quarter.before().code}).content.decode()
    assert table_rows(before, "return")["Total"] == ["0"]
    # A quarter that is not offered is an error, and nothing is counted.
    bad = client_for(analyst).get("/supporting-families", {"quarter": "1999-q9"}).content.decode()
    assert "govuk-error-summary" in bad and 'id="return"' not in bad


def test_a_family_with_a_need_not_yet_judged_sustained_is_not_on_the_list(client_for, coordinator, practitioner,
                                                                          ready_family):
    record_need(client_for(practitioner), ready_family, "crime", "offending", on=days_ago(300))
    listed = client_for(coordinator).get("/supporting-families/claims").content.decode()
    assert "No claims are waiting to be checked." in listed
    page = client_for(coordinator).get(f"/families/{ready_family.pk}/supporting-families").content.decode()
    assert "Progress is not yet shown at closure and sustained for: Crime prevention and tackling crime." in page
