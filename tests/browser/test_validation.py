"""The error summary on a page that refuses a form: focus moves to it (GOV.UK Frontend's ErrorSummary), it lists
every problem in the order the page shows the fields (the service's checks with the form's own, on the first
submit), and each of its links moves to its field. Checked on the breach log's forms, with axe on every page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.breaches import services
from hearth.breaches.models import DataKind, IcoDecision

from .conftest import sign_in
from .pages import arrive, click, data_protection_home, fill, fill_date

pytestmark = pytest.mark.browser


def _summary_links(page):
    return page.locator(".govuk-error-summary__list a")


def _follows_each_link(page, targets: list[str]) -> None:
    """Each link of the summary, in turn, moves focus to its field."""
    links = _summary_links(page)
    expect(links).to_have_count(len(targets))
    for index, target in enumerate(targets):
        links.nth(index).click()
        expect(page.locator(target)).to_be_focused()


def test_a_refused_breach_form_focuses_the_summary_which_lists_the_page_s_order_and_links_to_each_field(
        page, axe, dpo):
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Breach log")
    arrive(page, axe, "Breach log")
    click(page, "Log a data breach")
    arrive(page, axe, "Log a data breach")

    discovered = timezone.localtime() - datetime.timedelta(days=2)
    happened = discovered + datetime.timedelta(hours=5)  # after it was discovered: a rule about two answers
    fill(page, {"What happened": "A printed plan was left on a train.",
                "Time it was discovered": f"{discovered:%H:%M}", "Time it happened (if known)": f"{happened:%H:%M}",
                "How many people's information (optional)": "-5"})
    fill_date(page, "Date it was discovered", discovered.date())
    fill_date(page, "Date it happened (if known)", happened.date())
    page.get_by_role("checkbox", name="Something else", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Log a data breach – Hearth – " + dpo.agency.council.short_name)
    expect(_summary_links(page)).to_have_text([
        "Give the incident a short title",
        "The time it happened must be before the time it was discovered",
        "Say what other kind of information was involved",
        "The number of people must be 0 or more",
    ])
    axe(page)
    _follows_each_link(page, ["#id_summary", "#id_occurred_at-day", "#id_data_kinds_other", "#id_people_count"])


def test_a_refused_report_focuses_the_summary_with_the_missing_reference_beside_the_bad_date(page, axe, dpo):
    incident = services.incident_record(actor=dpo, data=services.IncidentInput(
        summary="Letter sent to the wrong address", what_happened="A letter went to a neighbour.",
        discovered_at=timezone.now() - datetime.timedelta(hours=3), data_kinds=[DataKind.NAMES_CONTACT]))
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="The letter named a child at risk")
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Breach log")
    arrive(page, axe, "Breach log")
    click(page, f"{incident.pk}: Letter sent to the wrong address")
    arrive(page, axe, "Letter sent to the wrong address")
    click(page, "Record the report")
    arrive(page, axe, "Record the report to the Information Commissioner")

    group = page.get_by_role("group", name="Date it was reported", exact=True)
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    group.get_by_label("Year").fill(str(timezone.localdate().year))
    fill(page, {"Time it was reported": "10:00"})
    page.get_by_role("button", name="Record the report", exact=True).click()

    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(_summary_links(page)).to_have_text([
        "Date it was reported must be a real date",
        "Enter the reference the Information Commissioner's Office gave",
    ])
    axe(page)
    _follows_each_link(page, ["#id_reported_at-day", "#id_ico_reference"])
