"""The data protection officer's (DPO's) oversight through the pages: a data breach logged, decided, told and
closed, and the audit review of a family, a person, a user, unusual access and the audit log's chain.

Every page is reached by clicking links and filling in forms where the pages link to each other, and every page
is checked with axe. The data is made up, and made through the services the pages use.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in
from .pages import arrive, click, data_protection_home, fill, fill_date, refused, row

pytestmark = pytest.mark.browser


def test_breach_log_incident_decided_told_and_closed(page, axe, dpo, record):
    family = record["family"]
    title = "Assessment emailed to the wrong school"
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    expect(page.locator("#incident-summary")).to_contain_text("0 open incidents")
    click(page, "Breach log")
    arrive(page, axe, "Breach log")
    expect(page.locator("#open-incidents")).to_contain_text("No open incidents.")

    click(page, "Log a data breach")
    arrive(page, axe, "Log a data breach")
    refused(page, axe, "Save", "Give the incident a short title", "Say what happened",
            "Enter the date and time the breach was discovered")
    discovered, told = (timezone.localtime() - datetime.timedelta(hours=h) for h in (2, 1))
    fill(page, {"Title": title, "What happened": "An assessment was emailed to another school by mistake.",
                "Time it was discovered": f"{discovered:%H:%M}", "Family record numbers (optional)": str(family.pk),
                "How many people's information (optional)": "2",
                "What has been done to contain it (optional)": "The school deleted the email"})
    fill_date(page, "Date it was discovered", discovered.date())
    page.get_by_label("Children's information").check()
    click(page, "Save", "button")
    arrive(page, axe, title, "Decide whether to report it to the Information Commissioner within 72 hours")
    expect(row(page, "72 hours end")).to_contain_text("72 hours after discovery")
    expect(row(page, "Clock")).to_have_text(re.compile(r"^2 days \d+ hours? left$"))
    expect(row(page, "Decision")).to_have_text("Not yet decided")
    expect(page.locator("#families")).to_contain_text(str(family.pk))
    incident = page.locator(".govuk-caption-l").inner_text().split()[1]

    # The decision: not to report, and why. The clock stops.
    click(page, "Decide whether to report")
    arrive(page, axe, "Decide whether to report to the Information Commissioner")
    refused(page, axe, "Record the decision", "Choose whether to report the incident")
    page.get_by_label("Do not report").check()
    page.get_by_label("Why", exact=True).fill("Contained within the hour by a trusted recipient; low risk")
    click(page, "Record the decision", "button")
    arrive(page, axe, title, "The decision has been recorded.")
    expect(row(page, "Clock")).to_have_text("Met: within 72 hours")
    expect(row(page, "Decision")).to_contain_text("Do not report, by Dana Dee")

    # Who was told.
    click(page, "Record who was told")
    arrive(page, axe, "Record who was told")
    page.get_by_label("A partner agency").check()
    fill(page, {"Name them": "Hill School, the headteacher", "Time they were told": f"{told:%H:%M}",
                "How they were told (optional)": "By phone"})
    fill_date(page, "Date they were told", told.date())
    click(page, "Save", "button")
    arrive(page, axe, title, "Who was told has been recorded.")
    expect(page.locator("#notices")).to_contain_text("A partner agency: Hill School, the headteacher")

    # Closed, with what was learned.
    click(page, f"Close incident {incident}")
    arrive(page, axe, f"Close incident {incident}")
    refused(page, axe, "Close the incident", "Say what was learned and what will change")
    page.get_by_label("What was learned, and what will change").fill("Check the address before sending")
    click(page, "Close the incident", "button")
    arrive(page, axe, title, f"Incident {incident} has been closed.")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Closed")
    expect(page.locator("#lessons")).to_have_text("Check the address before sending")
    expect(page.get_by_role("link", name="Record who was told")).to_have_count(0)
    click(page, "Back to the breach log")
    arrive(page, axe, "Breach log")
    expect(page.locator("#closed-incidents")).to_contain_text(title)


def test_audit_review_of_a_family_a_person_a_user_unusual_access_and_the_chain(page, axe, dpo, record, practitioner):
    family, mum = record["family"], record["mum"]
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Unusual access")
    arrive(page, axe, "Unusual access")
    expect(page.locator("#period")).to_be_visible()
    page.get_by_text("Change the period or the thresholds").click()
    page.get_by_label("More than this many records").fill("1")
    refused(page, axe, "Show the report", "Enter 2 records or more")
    fill(page, {"More than this many records": "2", "Within this many minutes": "60"})
    click(page, "Show the report", "button")
    arrive(page, axe, "Unusual access")
    expect(page.locator("#many-records caption")).to_contain_text("more than 2 in 60 minutes")

    # Who has accessed the family: the home page gives the address to go to.
    page.goto(f"/dpo/access/family/{family.pk}")
    arrive(page, axe, f"Who has accessed family record {family.pk}")
    expect(page.locator("#accessors")).to_contain_text("Priya Shah")
    page.locator("#accessors").get_by_role("link", name="Priya Shah").click()
    arrive(page, axe, f"What Priya Shah ({practitioner.agency.name}) has accessed")
    expect(page.locator("#events")).to_contain_text(f"Family {family.pk}")
    page.locator("#events").get_by_role("link", name=f"person {mum.pk}", exact=True).first.click()
    arrive(page, axe, f"Who has accessed person record {mum.pk}")
    expect(page.locator("#accessors")).to_contain_text("Priya Shah")
    page.get_by_text("Filter by date").click()
    today = timezone.localdate()
    fill_date(page, "From", today)
    fill_date(page, "To", today - datetime.timedelta(days=1))
    refused(page, axe, "Apply", "The 'to' date must be the same as or after the 'from' date")
    fill_date(page, "To", today)
    click(page, "Apply", "button")
    arrive(page, axe, f"Who has accessed person record {mum.pk}")
    expect(page.locator("#events caption")).to_contain_text("in this period")
    expect(page.locator("#accessors")).to_contain_text("Priya Shah")

    click(page, "Back to unusual access")
    arrive(page, axe, "Unusual access")
    data_protection_home(page, axe)
    click(page, "Check the audit log has not been changed")
    arrive(page, axe, "Check the audit log")
    click(page, "Check the audit log", "button")
    arrive(page, axe, "Check the audit log")
    expect(page.locator("#result")).to_contain_text("The audit log is intact")
