"""The breach log's forms show every problem on the first submit, in the order the page shows the fields: the
service's checks of the answers that passed (one time before another, a reference or reasons a report needs) beside
the form's own errors, each in the error summary linking to its field."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.breaches import services
from hearth.breaches.models import DataKind, IcoDecision, Incident

pytestmark = pytest.mark.django_db

_SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
_LINK = re.compile(r'<a href="([^"]+)">(.*?)</a>', re.S)


def summary(response) -> list[tuple[str, str]]:
    """The error summary's links as (href, text), in the order shown."""
    assert response.status_code == 200
    found = _SUMMARY.search(response.content.decode())
    assert found, "no error summary on the page"
    return [(href, unescape(text).strip()) for href, text in _LINK.findall(found.group(0))]


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def _incident(dpo, **overrides) -> Incident:
    values = dict(summary="Assessment emailed to the wrong school", what_happened="Sent to Far School by mistake",
                  discovered_at=timezone.now() - datetime.timedelta(hours=2), data_kinds=[DataKind.CHILDREN])
    values.update(overrides)
    return services.incident_record(actor=dpo, data=services.IncidentInput(**values))


def test_a_new_incident_shows_its_cross_field_problems_with_the_missing_title_on_the_first_submit(dpo, client_for):
    discovered = timezone.localtime() - datetime.timedelta(days=2)
    happened = discovered + datetime.timedelta(hours=5)  # after it was discovered
    response = client_for(dpo).post(reverse("breaches:incident_new"), {
        "summary": "", "what_happened": "A printed plan was left on a train",
        **_date("discovered_at", discovered.date()), "discovered_at_time": f"{discovered:%H:%M}",
        **_date("occurred_at", happened.date()), "occurred_at_time": f"{happened:%H:%M}",
        "family_ids": "99999999", "data_kinds": [DataKind.OTHER], "people_count": "twelve",
    })
    assert summary(response) == [
        ("#id_summary", "Give the incident a short title"),
        ("#id_occurred_at-day", "The time it happened must be before the time it was discovered"),
        ("#id_family_ids", "There is no family record 99999999 in your council: check the numbers"),
        ("#id_data_kinds_other", "Say what other kind of information was involved"),
        ("#id_people_count", "Enter the number of people as a number, like 12"),
    ]
    page = response.content.decode()
    assert 'id="id_occurred_at-day"' in page and 'id="id_data_kinds_other"' in page  # each link has its field
    assert "Error: Log a data breach" in page
    assert not Incident.objects.exists()


def test_a_bad_time_of_discovery_is_one_error_not_two(dpo, client_for):
    response = client_for(dpo).post(reverse("breaches:incident_new"), {
        "summary": "Lost phone", "what_happened": "Lost on a bus",
        **_date("discovered_at", timezone.localdate()), "discovered_at_time": "25:00",
        "data_kinds": [DataKind.NAMES_CONTACT],
    })
    assert summary(response) == [("#id_discovered_at_time", "The time it was discovered must be a real time, "
                                                           "like 14:30 or 2:30pm")]


def test_changing_an_incident_shows_the_service_s_checks_with_the_form_s_own(dpo, client_for):
    incident = _incident(dpo)
    discovered = timezone.localtime(incident.discovered_at)
    later = discovered + datetime.timedelta(hours=1)
    response = client_for(dpo).post(reverse("breaches:incident_edit", args=[incident.pk]), {
        "summary": "x" * 201, "what_happened": "", **_date("discovered_at", discovered.date()),
        "discovered_at_time": f"{discovered:%H:%M}", **_date("occurred_at", later.date()),
        "occurred_at_time": f"{later:%H:%M}", "data_kinds": [DataKind.CHILDREN], "version": str(incident.version),
    })
    texts = [text for _, text in summary(response)]
    assert texts == ["Title must be 200 characters or fewer", "Say what happened",
                     "The time it happened must be before the time it was discovered"]


def test_a_report_missing_its_reference_says_so_beside_a_date_that_is_not_real(dpo, client_for):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="High risk to the children")
    response = client_for(dpo).post(reverse("breaches:incident_report", args=[incident.pk]), {
        "reported_at-day": "31", "reported_at-month": "2", "reported_at-year": "2026", "reported_at_time": "10:00",
        "ico_reference": "", "version": str(incident.version),
    })
    assert summary(response) == [
        ("#id_reported_at-day", "Date it was reported must be a real date"),
        ("#id_ico_reference", "Enter the reference the Information Commissioner's Office gave"),
    ]


def test_a_late_report_asks_for_its_reasons_on_the_first_submit(dpo, client_for):
    incident = _incident(dpo, discovered_at=timezone.now() - datetime.timedelta(hours=100))
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="High risk", delay_reason="Waited for the school")
    reported = timezone.localtime() - datetime.timedelta(hours=1)
    response = client_for(dpo).post(reverse("breaches:incident_report", args=[incident.pk]), {
        **_date("reported_at", reported.date()), "reported_at_time": f"{reported:%H:%M}",
        "ico_reference": "R" * 101, "delay_reason": "", "version": str(incident.version),
    })
    assert summary(response) == [
        ("#id_ico_reference", "Reference from the Information Commissioner's Office must be 100 characters or fewer"),
        ("#id_delay_reason", "It was reported after the 72 hours: give the reasons for the delay"),
    ]


def test_a_decision_without_its_choice_also_asks_for_the_reason(dpo, client_for):
    incident = _incident(dpo, discovered_at=timezone.now() - datetime.timedelta(hours=80))
    response = client_for(dpo).post(reverse("breaches:incident_decide", args=[incident.pk]), {
        "decision": "", "reason": "", "version": str(incident.version)})
    assert summary(response) == [
        ("#id_decision", "Choose whether to report the incident"),
        ("#id_reason", "Say why you decided as you did"),
        ("#id_delay_reason", "The 72 hours have passed: say why the decision was not made in time"),
    ]
    assert 'id="id_delay_reason"' in response.content.decode()


def test_who_was_told_shows_a_time_before_discovery_beside_the_missing_audience(dpo, client_for):
    incident = _incident(dpo)
    before = timezone.localtime(incident.discovered_at) - datetime.timedelta(days=1)
    response = client_for(dpo).post(reverse("breaches:incident_notice_new", args=[incident.pk]), {
        "audience": "", "who": "", **_date("told_at", before.date()), "told_at_time": f"{before:%H:%M}"})
    assert summary(response) == [
        ("#id_audience", "Choose who was told"),
        ("#id_who", "Say who was told, like 'the 3 families' or 'Hill School'"),
        ("#id_told_at-day", "The time they were told must be after the time the breach was discovered"),
    ]


def test_a_refusal_after_the_form_passes_is_listed_in_the_page_s_order(dpo, client_for):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="High risk")
    response = client_for(dpo).post(reverse("breaches:incident_report", args=[incident.pk]), {
        "ico_reference": "", "version": str(incident.version)})
    assert summary(response) == [
        ("#id_reported_at-day", "Enter the date and time the incident was reported"),
        ("#id_ico_reference", "Enter the reference the Information Commissioner's Office gave"),
    ]


def test_closing_too_soon_says_what_is_missing_first_then_the_lessons(dpo, client_for):
    incident = _incident(dpo)
    response = client_for(dpo).post(reverse("breaches:incident_close", args=[incident.pk]), {
        "lessons": "", "version": "not a number"})
    assert summary(response) == [
        ("#main-content", "Record the decision on reporting to the Information Commissioner before closing"),
        ("#id_lessons", "Say what was learned and what will change"),
        ("#id_version", "This page was out of date. Copy anything you typed, reload the page and try again"),
    ]


@pytest.mark.parametrize("family_ids", ["9" * 30, "12, ²"])
@pytest.mark.parametrize("summary_text", ["", "Lost phone"])
def test_a_family_number_that_cannot_be_a_record_is_refused_in_words(dpo, client_for, summary_text, family_ids):
    response = client_for(dpo).post(reverse("breaches:incident_new"), {
        "summary": summary_text, "what_happened": "Lost on a bus",
        **_date("discovered_at", timezone.localdate() - datetime.timedelta(days=1)),
        "discovered_at_time": "00:01", "family_ids": family_ids, "data_kinds": [DataKind.NAMES_CONTACT]})
    assert ("#id_family_ids", "Enter family record numbers only, separated by commas, like 1203, 1457") in (
        summary(response))
