"""The rest of a practitioner's pages, reached the way a user reaches them, each checked with axe."""

import datetime

import pytest
from playwright.sync_api import expect

from hearth.accounts.models import AgencyKind
from hearth.families import services as people_services
from hearth.families.services import AddressInput
from hearth.people.models import Sex

from .conftest import sign_in
from .pages import arrive, heading, refused

pytestmark = pytest.mark.browser


def test_search_person_pages_account_information_errors_and_sign_out(page, axe, practitioner, make_user):
    family = people_services.family_create(actor=practitioner, name="The Okonkwo family")
    people_services.person_create(
        actor=practitioner, family=family, role="parent_pr",
        data={"given_name": "Ada", "family_name": "Okonkwo", "date_of_birth": datetime.date(1990, 1, 31),
              "sex": Sex.FEMALE, "nhs_number": "9434765919"},
        address=AddressInput(line_1="7 Cowley Road", town="Oxford", postcode="OX4 1HP"))
    stranger = make_user("sol.stranger@example.test", "Sol Stranger", "Didcot Youth Service",
                         kind=AgencyKind.YOUTH_SERVICE)
    other_family = people_services.family_create(actor=stranger, name="The Unseen family")

    sign_in(page, axe, practitioner)
    expect(page.locator("#families")).to_contain_text("The Okonkwo family")

    # Search people: a typo still finds her.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Search people").click()
    arrive(page, axe, "Search people")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a name, date of birth, NHS number or postcode to search for")
    axe(page)
    page.get_by_label("Family name").fill("Okonkow")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_have_text("1 person found")
    axe(page)
    page.get_by_role("link", name="Ada Okonkwo").click()

    # Her record, and the forms to change it.
    expect(heading(page, "Ada Okonkwo")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("943 476 5919")
    expect(page.locator("#addresses")).to_contain_text("7 Cowley Road, Oxford, OX4 1HP")
    axe(page)
    page.get_by_role("link", name="Change details").click()
    arrive(page, axe, "Change Ada Okonkwo's details")
    page.go_back()
    arrive(page, axe, "Ada Okonkwo")
    page.get_by_role("link", name="Add a previous or other name").click()
    arrive(page, axe, "Add a name")
    refused(page, axe, "Save", "Choose the kind of name")
    page.get_by_label("Previous name").check()
    page.get_by_label("Family name").fill("Adeyemi")
    page.get_by_role("button", name="Save").click()
    expect(heading(page, "Ada Okonkwo")).to_be_visible()
    expect(page.locator("#names li")).to_have_text(["Ada Okonkwo (current name)", "Adeyemi (previous name)"])
    axe(page)
    page.get_by_role("link", name="Record a new address").click()
    arrive(page, axe, "Record a new address")

    # Account, and the information pages in the footer.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    expect(heading(page, "Your account")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Set up")
    axe(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility").click()
    arrive(page, axe, "Accessibility statement")
    page.get_by_role("contentinfo").get_by_role("link", name="How we use information").click()
    arrive(page, axe, "How we use information")

    # A family she does not work with, and a page that does not exist.
    response = page.goto(f"/families/{other_family.pk}")
    assert response.status == 403
    expect(heading(page, "You do not have access to this record")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Unseen")
    axe(page)
    response = page.goto("/no-such-page")
    assert response.status == 404
    arrive(page, axe, "Page not found")

    # Sign out.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign out").click()
    arrive(page, axe, "Sign out")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(heading(page, "Sign in")).to_be_visible()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    axe(page)
    page.goto("/")
    arrive(page, axe, "Sign in")
