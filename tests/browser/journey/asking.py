"""1 and 2: a parent asks for support online; a MASH screener links the request to a new family record and
decides that an Early Help plan is needed."""

import re
import time

from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.queue import run_jobs

from ..pages import arrive, heading, menu, sign_out, success
from .common import FAMILY, OUTCOME_MESSAGE, PARENT, PARENT_EMAIL, PARENT_ROLE, sign_in_as


def parent_asks_for_support(page, axe) -> str:
    """1. A parent, not signed in, finds the request form from the sign-in page and sends it."""
    page.goto("/sign-in")
    arrive(page, axe, "Sign in")
    page.get_by_role("link", name="ask for support online").click()
    expect(heading(page, "Ask for support for your family")).to_be_visible()
    shown = time.monotonic()
    expect(page.get_by_role("heading", name="What we record and who we share it with")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("When you agree to an Early Help Assessment (EHA), we complete "
                                                     "it with you.")
    expect(page.get_by_role("region", name="If a child is in danger now")).to_contain_text("Call 999.")
    axe(page)

    page.get_by_role("group", name="Who are you?").get_by_label("A parent or carer").check()
    page.get_by_label("Your name").fill(PARENT)
    page.get_by_label("Email address").fill(PARENT_EMAIL)
    page.get_by_label("Your relationship to the children (optional)").fill("Mother")
    page.get_by_label("Who is in your family?").fill("Me (Joanne, 37), Mia (9) and Leo (6)")
    page.get_by_label("Your address (optional)").fill("4 Canal Street\nBanbury")
    page.get_by_label("Postcode (optional)").fill("ox16 5ab")
    page.get_by_label("What would you like help with?").fill(
        "Since I started night shifts, mornings are chaos. Mia has missed a lot of school and Leo is late for "
        "nursery most days. I am also worried about money.")
    page.get_by_label("What have you tried already? (optional)").fill("An alarm clock and laying clothes out.")
    page.get_by_label("What would you like to be different? (optional)").fill("Calm mornings and the kids on time.")
    page.get_by_label("I agree to this request for support").check()
    # The form refuses a request sent within 3 seconds of the page opening (automated senders do that).
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
    page.get_by_role("button", name="Send my request").click()

    expect(heading(page, "Request sent")).to_be_visible()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Your reference")
    reference = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"RFS-\d{4}-\d{6}", reference), reference
    expect(page.get_by_role("main")).to_contain_text("We will tell you the outcome by email.")
    axe(page)
    return reference


def screener_links_and_screens_the_request(page, axe, people, reference: str) -> None:
    """2. The MASH screener links the request to a new family record and decides a plan is needed."""
    sign_in_as(page, axe, people["screener"])
    menu(page).get_by_role("link", name="Requests for support").click()
    arrive(page, axe, "Requests for support and referrals")
    page.get_by_role("table", name=re.compile("^Waiting for screening")).get_by_role("link", name=reference).click()
    expect(heading(page, reference)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Since I started night shifts")
    axe(page)

    # Find before create: nobody matches, so the family record is created from the request's details.
    page.get_by_role("link", name="Link to a family record").click()
    arrive(page, axe, "Link the request to a family record")
    search = page.locator("form").filter(has=page.get_by_role("button", name="Search"))
    search.get_by_label("Given name").fill("Joanne")
    search.get_by_label("Family name").fill("Fairweather")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No existing records match")).to_be_visible()
    axe(page)
    new = page.locator("form").filter(has=page.get_by_role("button", name="Create the family record and link it"))
    new.get_by_label("Name of the family").fill(FAMILY)
    new.get_by_role("group", name="The first person's role in the family").get_by_label(PARENT_ROLE,
                                                                                        exact=True).check()
    new.get_by_label("Given name").fill("Joanne")
    new.get_by_label("Family name").fill("Fairweather")
    new.get_by_role("button", name="Create the family record and link it").click()

    arrive(page, axe, f"Screen {reference}", f"{FAMILY} has been created and {reference} linked to it.")
    page.get_by_role("group", name="Level of need").get_by_label("Level 3: Complex").check()
    page.get_by_label("Reasons for the level of need").fill(
        "Falling school attendance, lateness and money worries across the family: needs in several areas.")
    page.get_by_role("group", name="Decision").get_by_label("An Early Help plan is needed").check()
    page.get_by_label("Main reason for Early Help (when an Early Help plan is needed)").select_option(
        label="Family in acute stress")
    page.get_by_label("Lead professional (when an Early Help plan is needed)").select_option(
        label="Priya Shah (Banbury Family Support)")
    page.get_by_label("Message to the person who asked").fill(OUTCOME_MESSAGE)
    page.get_by_role("button", name="Record the decision").click()

    expect(heading(page, "Requests for support and referrals")).to_be_visible()
    success(page, f"The decision on {reference} has been recorded: an early help plan is needed.")
    expect(page.get_by_role("table", name="Decided recently")).to_contain_text("An Early Help plan is needed (level 3)")
    axe(page)

    # The parent is emailed the outcome. Under pytest-django the email backend keeps messages in
    # django.core.mail.outbox, and the live server runs in this process, so the test can read them.
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend", settings.EMAIL_BACKEND
    run_jobs()  # the worker sends what the pages wrote to the outbox
    to_parent = [m for m in mail.outbox if PARENT_EMAIL in m.to]
    assert len(to_parent) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert to_parent[0].subject == f"Your request for support: {reference}"
    assert OUTCOME_MESSAGE in to_parent[0].body
    assert f"Your reference is {reference}." in to_parent[0].body
    sign_out(page, axe)
