"""Retention through the pages: the council's rules, a legal hold, and a disposal prepared by one data protection
officer and approved and run by another, with a certificate that names no one.

Every page is reached by clicking links and filling in forms where the pages link to each other, and every page
is checked with axe. The data is made up, and made through the services the pages use.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.accounts.models import Role
from hearth.people.models import Family
from hearth.retention.rules import add_years
from tests.queue import run_jobs
from tests.retention.helpers import rich_family

from .conftest import sign_in
from .pages import arrive, click, data_protection_home, errors, fill, refused, row, sign_out

pytestmark = pytest.mark.browser


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
    # The dry run is a job: the page says it is counting, and shows the counts once the job has run.
    arrive(page, axe, re.compile(r"^Disposal DR-"), "is counting what is due. Nothing will be deleted.")
    expect(row(page, "Status")).to_have_text("Counting what is due")
    expect(page.locator("#counting")).to_contain_text("You can leave this page and come back")
    assert run_jobs() == 1
    page.reload()
    axe(page)
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
    arrive(page, axe, re.compile(r"^Disposal DR-"), "is running. You can leave this page and come back")
    expect(page.locator("#running")).to_contain_text("Running")
    click(page, "See the job's progress")
    arrive(page, axe, re.compile(r"^Run disposal DR-"))
    assert run_jobs() == 1
    page.reload()
    expect(page.locator(".govuk-panel__title")).to_have_text("Finished")
    axe(page)
    click(page, "See the result")
    arrive(page, axe, re.compile(r"^Disposal certificate DC-"))
    expect(row(page, "Kept back by legal holds")).to_have_text("1 family")
    expect(row(page, "Prepared")).to_contain_text("Dana Dee")
    expect(row(page, "Approved")).to_contain_text("Sam Second")
    for name in ("Duewood", "Heldwood", "Alice", "Cara"):
        expect(page.get_by_role("main")).not_to_contain_text(name)
    assert not Family.objects.filter(pk=due.pk).exists() and Family.objects.filter(pk=held.pk).exists()
