"""People's requests about their information, handled by the council's data protection officer (DPO) through the
pages: a subject access request logged, verified, extended, withheld from, released and closed, and a request to
correct a record, whose recipients are told.

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

from hearth.subject_access import services as sar_services
from tests.queue import run_jobs

from .conftest import KEPT, WITHHELD, sign_in
from .pages import arrive, click, data_protection_home, fill_date, find_jo_testwood, heading, refused, row

pytestmark = pytest.mark.browser


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
    find_jo_testwood(page, axe, "#results-heading", "Choose Jo Testwood",
                     refusal="Enter a name, date of birth, NHS number or postcode to search for")
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
    # The bundle is prepared by a job: the workbench says so and links to the job's page, which can be left.
    expect(page.locator("#bundle-preparing")).to_contain_text("Preparing the bundle")
    expect(page.get_by_role("link", name=re.compile("^Download the PDF"))).to_have_count(0)
    click(page, "See how far it has got")
    arrive(page, axe, f"Prepare the bundle for subject access request {reference}")
    expect(page.get_by_role("main")).to_contain_text("You can leave this page and come back")
    assert run_jobs() >= 1
    page.reload()
    expect(page.locator(".govuk-panel__title")).to_have_text("Finished")
    axe(page)
    click(page, "See the result")
    arrive(page, axe, f"Subject access request {reference}")

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


def test_rectification_request_accepted_corrected_and_recipients_told(page, axe, dpo, record):
    mail.outbox.clear()
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    click(page, "Requests to correct, erase or restrict")
    arrive(page, axe, "Requests to correct, erase or restrict")
    click(page, "Log a request")
    arrive(page, axe, "Find the person the request is about")
    find_jo_testwood(page, axe, "#people-found caption", "Log a request for Jo Testwood",
                     refusal="Enter a name, date of birth or record number to search for")
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
    run_jobs()  # the worker sends what the pages wrote to the outbox
    assert [m.to for m in mail.outbox] == [["practice@bridge.example.test"]]
    assert "Testwood" not in mail.outbox[0].body and "1988" not in mail.outbox[0].body
