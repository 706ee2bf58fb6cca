"""The information-governance pages, walked by the council's data protection officer (DPO): subject access,
the breach log, a request to correct a record, the audit review and retention with two-person disposal.

Every page is reached by clicking links and filling in forms where the pages link to each other, and every page
is checked with axe. The data is made up, and made through the services the pages use.
"""

import datetime
import io
import json
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from hearth.accounts.models import Agency, AgencyKind, Role
from hearth.cases import notes as case_notes
from hearth.cases import services as case_services
from hearth.families import services as people_services
from hearth.people.models import Family, Sex
from hearth.retention.rules import add_years
from hearth.sharing.services import disclosure_record
from hearth.subject_access import services as sar_services
from tests.retention.helpers import rich_family

from .conftest import sign_in

pytestmark = pytest.mark.browser

WITHHELD = "Neighbour Quillby said the children were left alone overnight"
KEPT = "Talked with Jo about the morning routine"


def heading(page, text):
    return page.get_by_role("heading", level=1, name=text)


def errors(page, *messages) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    for message in messages:
        expect(summary).to_contain_text(message)


def arrive(page, axe, title, banner: str | None = None) -> None:
    """The page with this main heading (and this success banner) is shown; then it is checked with axe."""
    expect(heading(page, title)).to_be_visible()
    if banner:
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(banner)
    axe(page)


def refused(page, axe, button: str, *messages) -> None:
    """Press the button with the form as it is: the GOV.UK error summary lists each message."""
    page.get_by_role("button", name=button, exact=True).click()
    errors(page, *messages)
    axe(page)


def fill_date(scope, group: str, date: datetime.date) -> None:
    fieldset = scope.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(date.day))
    fieldset.get_by_label("Month").fill(str(date.month))
    fieldset.get_by_label("Year").fill(str(date.year))


def row(page, key: str):
    """The value beside `key` in the page's summary list."""
    return page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(key)}$"))).locator(
        ".govuk-summary-list__value").first


def sign_out(page, axe) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign out").click()
    arrive(page, axe, "Sign out")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    arrive(page, axe, "Sign in")


def data_protection_home(page, axe) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Data protection").click()
    arrive(page, axe, "Data protection")


def click(page, name: str, role: str = "link") -> None:
    page.get_by_role(role, name=name, exact=True).click()


def fill(page, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


@pytest.fixture
def dpo(make_user):
    return make_user("dana.dee@example.test", "Dana Dee", "Information governance", roles=(Role.DPO,))


@pytest.fixture
def record(practitioner, council):
    """The Testwood family as a practitioner recorded them: a mother and a child, an open episode, two case notes
    (one repeating what a neighbour said) and the assessment sent to the family's surgery."""
    family = people_services.family_create(actor=practitioner, name="The Testwood family")
    mum, child = (people_services.person_create(actor=practitioner, family=family, role=role, data={
        "given_name": given, "family_name": "Testwood", "sex": sex, "date_of_birth": born})
        for given, role, sex, born in (("Jo", "parent_pr", Sex.FEMALE, datetime.date(1988, 2, 14)),
                                       ("Max", "child", Sex.MALE, datetime.date(2018, 5, 1))))
    case_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    for note_type, body in (("home_visit", KEPT), ("phone", WITHHELD)):
        case_notes.note_add(actor=practitioner, family=family, note_type=note_type, summary="Talked",
                               occurred_on=timezone.localdate(), body=body)
    surgery, _ = Agency.objects.get_or_create(council=council, name="Bridge Surgery", defaults={
        "kind": AgencyKind.GP, "email": "practice@bridge.example.test"})
    disclosure_record(actor=practitioner, family=family, kind="assessment_copy", what="The assessment",
                      recipient="Dr Shah", recipient_agency=surgery, purpose="Planning support",
                      basis="Consent to share")
    return {"family": family, "mum": mum, "child": child}


def test_subject_access_request_logged_verified_extended_withheld_released_and_closed(page, axe, dpo, record):
    today = timezone.localdate()
    other = sar_services.sar_create(actor=dpo, subject=record["child"], requester_name="Jo Testwood",
                                    requester_relationship="parent", on_behalf_of="Her son Max", received_on=today)
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Subject access requests")
    arrive(page, axe, "Subject access requests")
    expect(page.locator("#open-requests")).to_contain_text(other.reference)

    # Find the person, then record the request: first without the date it was received.
    click(page, "Record a new request")
    arrive(page, axe, "New subject access request")
    refused(page, axe, "Search", "Enter a name, date of birth, NHS number or postcode to search for")
    fill(page, {"Given name": "Jo", "Family name": "Testwood"})
    click(page, "Search", "button")
    expect(page.locator("#results-heading")).to_have_text("1 person found")
    axe(page)
    click(page, "Choose Jo Testwood")
    arrive(page, axe, "New subject access request about Jo Testwood")
    expect(page.get_by_label("Name of the person asking")).to_have_value("Jo Testwood")
    refused(page, axe, "Record the request", "Enter the date the request was received")
    fill_date(page, "Date the request was received", today - datetime.timedelta(days=3))
    click(page, "Record the request", "button")
    arrive(page, axe, re.compile(r"^Subject access request SAR-"), "has been recorded")
    expect(row(page, "Identity")).to_contain_text("Not verified")
    expect(page.locator("#section-notes")).to_contain_text(WITHHELD)
    reference = heading(page, re.compile("SAR-")).inner_text().removeprefix("Subject access request ")

    # Releasing before the requester's identity is checked is refused, in plain English.
    click(page, "Release the bundle")
    arrive(page, axe, f"Release {reference}")
    expect(page.locator(".govuk-warning-text")).to_contain_text("The requester's identity has not been verified")
    page.get_by_label("I have checked everything in the bundle").check()
    refused(page, axe, "Release", "The requester's identity has not been verified")
    click(page, f"Back to {reference}")
    arrive(page, axe, f"Subject access request {reference}")
    expect(row(page, "Status")).to_have_text("Open")

    # Extend the deadline, with the reason.
    click(page, "Extend the deadline")
    arrive(page, axe, "Extend the deadline")
    refused(page, axe, "Record the extension", "Choose an extension of 1 or 2 months", "Say why more time is needed")
    page.get_by_label(re.compile(r"Two more months: due ")).check()
    page.get_by_label("Why is more time needed?").fill("The record is long and spans three agencies")
    click(page, "Record the extension", "button")
    arrive(page, axe, f"Subject access request {reference}", "The extension has been recorded.")
    expect(page.get_by_text("Tell the requester about the extension and why.")).to_be_visible()
    expect(row(page, "Due")).to_contain_text("Extended by 2 months")
    expect(page.get_by_role("link", name="Extend the deadline")).to_have_count(0)

    # Withhold what the neighbour said: the details of the telephone call.
    click(page, "Withhold Details in Telephone call")
    arrive(page, axe, "Withhold information")
    page.get_by_label("Only “Details”").check()
    page.get_by_label("Information given by someone else who has not agreed to its release").check()
    page.get_by_label("Note (for the record; never released)").fill("The neighbour asked not to be named")
    click(page, "Withhold", "button")
    arrive(page, axe, f"Subject access request {reference}", "It will be left out of the release.")
    expect(page.locator("#section-notes")).to_contain_text(
        "Withheld Information given by someone else who has not agreed to its release")

    # Record the identity check; now the release goes through.
    click(page, "Record the identity check")
    arrive(page, axe, "Record the requester's identity check")
    page.get_by_label("Photo identification seen (passport or driving licence)").check()
    page.get_by_label("Note", exact=True).fill("Photo card seen at the front desk")
    click(page, "Record the identity check", "button")
    arrive(page, axe, f"Subject access request {reference}", "The identity check has been recorded.")
    expect(row(page, "Identity")).to_contain_text("Verified: Photo identification seen")
    click(page, "Release the bundle")
    arrive(page, axe, f"Release {reference}")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    page.get_by_label("I have checked everything in the bundle").check()
    click(page, "Release", "button")
    arrive(page, axe, f"Subject access request {reference}", f"Subject access request {reference} has been released.")
    expect(row(page, "Status")).to_contain_text("Released on")

    # The released copies, as the requester gets them: without what was withheld.
    pdf = page.request.get(page.get_by_role("link", name=re.compile("^Download the PDF")).get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.body())).pages))
    assert KEPT in text and "Jo Testwood" in text and "Some information has been left out of this copy" in text
    assert "Quillby" not in text and "left alone overnight" not in text
    data = page.request.get(page.get_by_role("link", name=re.compile("^Download the data file")).get_attribute("href"))
    assert data.ok and data.headers["content-type"].startswith("application/json")
    exported = json.dumps(data.json())
    assert KEPT in exported and "Quillby" not in exported and "left alone overnight" not in exported

    # The other request, about Max, is withdrawn.
    click(page, "Subject access requests")
    arrive(page, axe, "Subject access requests")
    expect(page.locator("#recent-requests")).to_contain_text(reference)
    click(page, other.reference)
    arrive(page, axe, f"Subject access request {other.reference}")
    click(page, "Withdraw or close the request")
    arrive(page, axe, "Withdraw or close the request")
    refused(page, axe, "Close the request", "Choose whether the request was withdrawn or is being closed",
            "Say why the request is ending")
    page.get_by_label("The requester withdrew it").check()
    page.get_by_label("Details").fill("Jo phoned to withdraw the request")
    click(page, "Close the request", "button")
    arrive(page, axe, f"Subject access request {other.reference}", "The request has been closed.")
    expect(row(page, "Status")).to_contain_text("Withdrawn by the requester on")
    expect(page.get_by_role("link", name="Release the bundle")).to_have_count(0)


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


def test_rectification_request_accepted_corrected_and_recipients_told(page, axe, dpo, record):
    mail.outbox.clear()
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Requests to correct, erase or restrict")
    arrive(page, axe, "Requests to correct, erase or restrict")
    click(page, "Log a request")
    arrive(page, axe, "Find the person the request is about")
    refused(page, axe, "Search", "Enter a name, date of birth or record number to search for")
    fill(page, {"Given name": "Jo", "Family name": "Testwood"})
    click(page, "Search", "button")
    expect(page.locator("#people-found caption")).to_have_text("1 person found")
    axe(page)
    click(page, "Log a request for Jo Testwood")
    arrive(page, axe, "Log a request to correct, erase or restrict")
    refused(page, axe, "Log the request", "Choose what the person is asking for")
    page.get_by_label("Rectification (correct their information)").check()
    page.get_by_label("What they ask").fill("My date of birth is 14 March 1988, not 14 February")
    fill_date(page, "Date the request was received", timezone.localdate())
    click(page, "Log the request", "button")
    arrive(page, axe, "Rectification (correct their information)", "has been logged. The answer is due by")
    expect(row(page, "Decision")).to_have_text("Not yet decided")

    click(page, "Decide")
    arrive(page, axe, re.compile(r"^Decide request \d+$"))
    page.get_by_label("Accepted").check()
    click(page, "Record the decision", "button")
    arrive(page, axe, "Rectification (correct their information)", "has been recorded")
    expect(row(page, "Decision")).to_contain_text("Accepted by Dana Dee")

    click(page, "Correct the record")
    arrive(page, axe, re.compile(r"^Correct the record for request \d+$"))
    expect(page.get_by_label("Family name")).to_have_value("Testwood")
    fill_date(page, "Date of birth", datetime.date(1988, 3, 14))
    click(page, "Save the correction", "button")
    arrive(page, axe, "Rectification (correct their information)", "The person's details have been corrected")
    for text in ("Date of birth", "14 February 1988", "14 March 1988"):
        expect(page.locator("#changes")).to_contain_text(text)

    click(page, "Tell the recipients")
    arrive(page, axe, "Tell the recipients of the corrected information")
    expect(page.locator("#recipients")).to_contain_text("Bridge Surgery")
    expect(page.locator("#recipients")).to_contain_text("Not yet")
    expect(page.get_by_label("Bridge Surgery (practice@bridge.example.test)")).to_be_checked()
    click(page, "Send the emails", "button")
    arrive(page, axe, "Tell the recipients of the corrected information", "1 recipient emailed.")
    expect(page.locator("#recipients")).to_contain_text("Told")
    assert [m.to for m in mail.outbox] == [["practice@bridge.example.test"]]
    assert "Testwood" not in mail.outbox[0].body and "1988" not in mail.outbox[0].body


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


# The approval form, posted by hand from the page of a run (whose forms carry the token and the version).
APPROVE_BY_HAND = """(action) => {
    const form = Object.assign(document.createElement("form"), {method: "post", action});
    const value = (name) => document.querySelector(`input[name=${name}]`).value;
    for (const [name, v] of [["csrfmiddlewaretoken", value("csrfmiddlewaretoken")], ["version", value("version")],
                             ["confirm", "on"]]) {
        form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value: v}));
    }
    document.body.append(form);
    form.submit();
}"""


def test_retention_rules_legal_hold_and_a_disposal_prepared_by_one_dpo_and_approved_by_another(
        page, axe, dpo, make_user, council, practitioner):
    second = make_user("sam.second@example.test", "Sam Second", "Information governance", roles=(Role.DPO,))
    long_ago = add_years(timezone.localdate(), -7)
    due = rich_family(council, practitioner, surname="Duewood", closed_on=long_ago)
    held = rich_family(council, practitioner, surname="Heldwood", closed_on=long_ago)
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Retention and disposal")
    arrive(page, axe, "Retention and disposal")
    expect(page.locator("#retention-rules caption")).to_have_text("How long Oxfordshire keeps records")

    retention_menu = page.get_by_role("navigation", name="Retention and disposal")
    retention_menu.get_by_role("link", name="Legal holds").click()
    arrive(page, axe, "Legal holds")
    expect(page.locator("#no-holds")).to_be_visible()
    click(page, "Place a legal hold")
    arrive(page, axe, "Place a legal hold")
    refused(page, axe, "Place the hold", "Enter a name for the hold, like Public inquiry",
            "Enter why the records must be kept", "Choose which families the hold covers")
    fill(page, {"Name of the hold": "Public inquiry", "Family record numbers": str(held.pk),
                "Why must the records be kept?": "The inquiry asked us to keep the records"})
    page.get_by_label("The families whose record numbers I list").check()
    click(page, "Place the hold", "button")
    arrive(page, axe, "Legal hold: Public inquiry", "has been placed")
    expect(page.locator("#hold-families")).to_have_text(str(held.pk))
    click(page, "Back to legal holds")
    arrive(page, axe, "Legal holds")
    expect(page.locator("#legal-holds")).to_contain_text("In place")

    # Prepare the disposal: a dry run. Whoever prepared it cannot approve it.
    retention_menu.get_by_role("link", name="Disposal runs").click()
    arrive(page, axe, "Disposal runs")
    click(page, "Prepare a disposal")
    arrive(page, axe, "Prepare a disposal")
    click(page, "Count what is due", "button")
    arrive(page, axe, re.compile(r"^Disposal DR-"), "Nothing has been deleted. Another data protection officer")
    for state in ("Due for disposal", "Due, but held back by a legal hold"):  # the label may go on
        label = re.compile(f"^{re.escape(state)}")
        counts = page.locator("#families-by-state tr", has=page.get_by_role("rowheader", name=label))
        expect(counts).to_have_count(1)
        expect(counts).to_contain_text("1")
    expect(page.locator("#own-run")).to_have_text(
        "You prepared this disposal, so another data protection officer must approve it.")
    expect(page.get_by_role("button", name="Approve the disposal")).to_have_count(0)
    run_url = page.url
    # Even an approval posted by hand is refused for the preparer, with a message.
    with page.expect_navigation():
        page.evaluate(APPROVE_BY_HAND, f"{run_url}/approve")
    errors(page, "A disposal cannot be approved by the person who prepared it.")
    expect(row(page, "Status")).to_have_text("Prepared: waiting for approval")
    axe(page)
    sign_out(page, axe)

    # Another data protection officer approves it and runs it; the certificate names no one.
    sign_in(page, axe, second)
    page.goto(run_url)
    arrive(page, axe, re.compile(r"^Disposal DR-"))
    refused(page, axe, "Approve the disposal", "Confirm that you have checked the counts and approve this disposal")
    page.get_by_label("I have checked the counts and the rules, and I approve this disposal").check()
    click(page, "Approve the disposal", "button")
    arrive(page, axe, re.compile(r"^Disposal DR-"), "has been approved")
    expect(row(page, "Approved")).to_contain_text("Sam Second")
    page.get_by_label("I understand that this deletes these records permanently").check()
    click(page, "Run the disposal now", "button")
    arrive(page, axe, re.compile(r"^Disposal certificate DC-"), "is complete. Its certificate is below.")
    expect(row(page, "Kept back by legal holds")).to_have_text("1 family")
    expect(row(page, "Prepared")).to_contain_text("Dana Dee")
    expect(row(page, "Approved")).to_contain_text("Sam Second")
    for name in ("Duewood", "Heldwood", "Alice", "Cara"):
        expect(page.get_by_role("main")).not_to_contain_text(name)
    assert not Family.objects.filter(pk=due.pk).exists() and Family.objects.filter(pk=held.pk).exists()
