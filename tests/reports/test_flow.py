"""The flow report as an analyst uses it: in a period, requests for support by who asked, the front door's decisions,
episodes opened and closed, step-ups and re-referrals, small counts hidden; a period that ends before it starts is
refused and nothing is counted; the download holds every table and is audited."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from hearth.accounts.models import AgencyKind
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases.models import Episode, EpisodeOrigin, EpisodeStatus
from hearth.referrals.models import Decision, Referral, ReferralKind, ReferralStatus, RequesterKind
from tests.factories import FamilyFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db
URL = "/reports/flow"
TODAY = timezone.localdate()




def _at(days_ago: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=days_ago),
                                                         datetime.time(10, 0)))


def _referral(council, n, *, days_ago=3, kind=ReferralKind.REQUEST, requester=RequesterKind.PARENT, user=None,
              family=None, decision="", level=None):
    return Referral.objects.create(
        council=council, reference=f"TEST-{n}", kind=kind, requester_kind=requester, requester_user=user,
        requester_name="A person", concerns="Concerns", family=family, received_at=_at(days_ago),
        status=ReferralStatus.DECIDED if decision else ReferralStatus.AWAITING_SCREENING, decision=decision,
        screened_at=_at(days_ago - 1) if decision else None, level=level)


def _episode(family, *, started_days_ago, closed_days_ago=None, origin=EpisodeOrigin.PRACTITIONER,
             reason="outcomes_achieved"):
    closed = closed_days_ago is not None
    return Episode.objects.create(
        family=family, origin=origin, reason="N4", level=2,
        started_on=TODAY - datetime.timedelta(days=started_days_ago),
        status=EpisodeStatus.CLOSED if closed else EpisodeStatus.ASSESSMENT,
        closed_on=TODAY - datetime.timedelta(days=closed_days_ago) if closed else None,
        end_reason=reason if closed else "")


@pytest.fixture
def flow_data(council, make, practitioner):
    """In the last 30 days: 6 requests from parents, 2 from a school, 1 step-up; 7 decided as advice and 1 as an
    Early Help plan; 6 episodes opened by practitioners and 1 stepped down; 5 closed with outcomes achieved. One of
    the requests is for a family whose Early Help closed 100 days before: a re-referral. Long before the period:
    more of everything, which must not be counted."""
    school = make("sue.school@example.test", kind=AgencyKind.SCHOOL, agency_name="Hill School")
    families = [FamilyFactory(actor=practitioner, name=f"The Flow {i} family") for i in range(8)]
    n = 0
    for i in range(6):
        n += 1
        _referral(council, n, decision=Decision.ADVICE if i < 5 else "", level=2 if i < 5 else None)
    for i in range(2):
        n += 1
        _referral(council, n, requester=RequesterKind.PRACTITIONER, user=school,
                  decision=Decision.ADVICE if i == 0 else Decision.EARLY_HELP_PLAN, level=2)
    _referral(council, 100, kind=ReferralKind.STEP_UP, requester=RequesterKind.PRACTITIONER, user=practitioner)
    for i in range(6):
        _episode(families[i], started_days_ago=10 if i else 400, closed_days_ago=5 if i < 5 else None)
    _episode(families[6], started_days_ago=12, origin=EpisodeOrigin.STEP_DOWN)
    _episode(families[7], started_days_ago=300, closed_days_ago=100)
    _referral(council, 200, family=families[7], days_ago=2)  # a re-referral
    for i in range(5):  # a year before: outside the period
        _referral(council, 300 + i, days_ago=500, decision=Decision.ADVICE, level=2)
    return families




def test_the_last_30_days_of_requests_decisions_and_episodes(client_for, analyst, flow_data):
    start = TODAY - datetime.timedelta(days=30)
    page = client_for(analyst).get(URL, {"date_from-day": start.day, "date_from-month": start.month,
                                         "date_from-year": start.year}).content.decode()
    assert f"from {start:%-d %B %Y} to {TODAY:%-d %B %Y}" in page
    # 7 from parents (one of them the re-referral), 2 from a school: the 2 hidden, and the 7 with it.
    assert table_rows(page, "requests") == {"A parent or carer": ["[c]"], "School or college": ["[c]"],
                                        "Total": ["9"]}
    # Advice 6 and a plan 1, all requests for support: the 1 hidden, so the 6 beside it in its column too.
    assert table_rows(page, "decisions") == {"Advice and information only": ["[c]", "0", "[c]"],
                                         "An Early Help plan is needed": ["[c]", "0", "[c]"],
                                         "Total": ["7", "0", "7"]}
    assert table_rows(page, "opened") == {"Started by a practitioner with the family": ["[c]"],
                                      "Stepped down from children&#39;s social care": ["[c]"], "Total": ["6"]}
    assert table_rows(page, "closed") == {"Desired outcomes have been achieved": ["5"], "Total": ["5"]}
    assert re.search(r'id="step-ups">\[c\]</dd>', page)
    assert re.search(r'id="re-referrals">\[c\] of \[c\] requests linked to a family</dd>', page)
    assert 'class="hearth-chart hearth-bar-chart"' in page


def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_is_counted(client_for, analyst, flow_data):
    page = client_for(analyst).get(URL, {
        "date_from-day": "10", "date_from-month": "6", "date_from-year": "2026",
        "date_to-day": "1", "date_to-month": "6", "date_to-year": "2026"}).content.decode()
    assert "There is a problem" in page and "The end of the period must be the same as or after its start" in page
    assert 'id="requests"' not in page and 'id="key-figures"' not in page


def test_with_no_dates_the_financial_year_so_far_is_counted(client_for, analyst, flow_data):
    page = client_for(analyst).get(URL).content.decode()
    start = datetime.date(TODAY.year if TODAY.month >= 4 else TODAY.year - 1, 4, 1)
    assert f"from {start:%-d %B %Y} to {TODAY:%-d %B %Y}" in page
    assert "Early Help episodes opened, by how they began" in page


def test_the_download_holds_every_table_protected_and_is_audited(client_for, analyst, flow_data, locality):
    start = TODAY - datetime.timedelta(days=30)
    response = client_for(analyst).get(URL, {"date_from-day": start.day, "date_from-month": start.month,
                                             "date_from-year": start.year, "locality": locality.pk,
                                             "download": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    at = lines.index(["Requests for support, by who asked"])
    assert lines[at + 1: at + 3] == [["Who asked", "Requests"], ["Total", "0"]]  # no family in the North
    event = AuditEvent.objects.get(actor=analyst, action=AuditAction.EXPORT)
    assert event.detail == {"report": "flow", "from": start.isoformat(), "to": TODAY.isoformat(),
                            "filters": {"locality": locality.pk}, "council": "oxfordshire", "format": "csv"}
    response = client_for(analyst).get(URL, {"date_from-day": start.day, "date_from-month": start.month,
                                             "date_from-year": start.year, "download": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert "Requests for support, by who asked" in text and "A parent or carer,[c]" in text
    assert "Total,9" in text
