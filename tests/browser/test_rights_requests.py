"""Requests to erase and to restrict, applied by the data protection officer through the pages; the practitioner
sees the restriction on the family record. Every page is checked with axe."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from hearth.people.models import Person
from tests.queue import run_jobs

from .conftest import sign_in
from .pages import arrive, click, data_protection_home, fill_date, find_jo_testwood, refused, row, sign_out

pytestmark = pytest.mark.browser


def log_request(page, axe, kind: str, asked: str) -> None:
    """From the data protection home page, log a request of `kind` for Jo Testwood and accept it."""
    data_protection_home(page, axe)
    click(page, "Requests to correct, erase or restrict")
    arrive(page, axe, "Requests to correct, erase or restrict")
    click(page, "Log a request")
    arrive(page, axe, "Find the person the request is about")
    find_jo_testwood(page, axe, "#people-found caption", "Log a request for Jo Testwood")
    arrive(page, axe, "Log a request to correct, erase or restrict")
    page.get_by_label(kind).check()
    page.get_by_label("What they ask").fill(asked)
    fill_date(page, "Date the request was received", timezone.localdate())
    click(page, "Log the request", "button")
    arrive(page, axe, kind, "has been logged")
    click(page, "Decide")
    arrive(page, axe, re.compile(r"^Decide request \d+$"))
    page.get_by_label("Accepted").check()
    click(page, "Record the decision", "button")
    arrive(page, axe, kind, "has been recorded")


def test_an_accepted_erasure_is_applied_listed_without_values_and_told_to_recipients(page, axe, dpo, testwood):
    mum = testwood["mum"]
    people_phone = "07700 900321"
    Person.objects.filter(pk=mum.pk).update(phone=people_phone)
    mail.outbox.clear()
    sign_in(page, axe, dpo)
    log_request(page, axe, "Erasure (delete their information)", "Please delete my phone number")

    click(page, "Erase information")
    arrive(page, axe, re.compile(r"^Erase information for request \d+$"))
    expect(page.get_by_role("main")).to_contain_text("Erasure cannot be undone")
    refused(page, axe, "Erase permanently", "Choose whether to erase particular details or the whole person record",
            "Confirm that you understand the erasure cannot be undone")
    page.get_by_label("Particular details").check()
    page.get_by_label(f"Phone number: {people_phone}").check()
    page.get_by_label("I understand that this cannot be undone").check()
    click(page, "Erase permanently", "button")
    arrive(page, axe, "Erasure (delete their information)", "The information has been erased")
    expect(page.locator("#changes")).to_contain_text("Phone number")
    expect(page.get_by_role("main")).not_to_contain_text(people_phone)
    expect(row(page, "Done")).to_contain_text("Erased: phone number")
    assert Person.objects.get(pk=mum.pk).phone == ""

    click(page, "Tell the recipients")
    arrive(page, axe, "Tell the recipients of the erased information")
    click(page, "Send the emails", "button")
    arrive(page, axe, "Tell the recipients of the erased information", "1 recipient emailed.")
    run_jobs()  # the worker sends what the pages wrote to the outbox
    assert [m.to for m in mail.outbox] == [["practice@bridge.example.test"]]
    assert "Please erase the copies you hold" in mail.outbox[0].body and "Testwood" not in mail.outbox[0].body


def test_a_restriction_shows_on_the_family_record_until_it_is_lifted(page, axe, dpo, testwood, practitioner):
    family = testwood["family"]
    sign_in(page, axe, dpo)
    log_request(page, axe, "Restriction (stop using their information for now)",
                "Stop using the school's report until it is checked")
    click(page, "Restrict the use of the information")
    arrive(page, axe, re.compile(r"^Restrict the use of information for request \d+$"))
    refused(page, axe, "Restrict", "Say what is restricted and why, as practitioners will read it")
    page.get_by_label("What is restricted, and why").fill("The school's report of 3 March is being checked")
    click(page, "Restrict", "button")
    arrive(page, axe, "Restriction (stop using their information for now)", "is restricted")
    expect(row(page, "Status")).to_have_text("In force")
    request_url = page.url
    sign_out(page, axe)

    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testwood family")
    banner = page.locator("#restriction-banner")
    expect(banner).to_contain_text("Jo Testwood: restricted since")
    expect(banner).to_contain_text("The school's report of 3 March is being checked")
    sign_out(page, axe)

    sign_in(page, axe, dpo)
    page.goto(request_url)
    arrive(page, axe, "Restriction (stop using their information for now)")
    click(page, "Lift the restriction")
    arrive(page, axe, re.compile(r"^Lift the restriction of request \d+$"))
    page.get_by_label("Why the restriction is lifted").fill("The report was checked and is accurate")
    refused(page, axe, "Lift the restriction", "Say how and when the person was told it would be lifted")
    page.get_by_label("How and when the person was told it would be lifted").fill("By letter on 2 June")
    click(page, "Lift the restriction", "button")
    arrive(page, axe, "Restriction (stop using their information for now)", "The restriction has been lifted")
    expect(row(page, "The person was told")).to_have_text("By letter on 2 June")
