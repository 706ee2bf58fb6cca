"""A system administrator's pages: users, agencies and the council profile, each checked with axe."""

import pytest
from playwright.sync_api import expect

from hearth.accounts.models import Role, User

from .conftest import sign_in
from .pages import arrive, refused

pytestmark = pytest.mark.browser


def test_administrator_adds_a_user_and_an_agency_and_edits_the_profile(page, axe, make_user):
    admin = make_user("sam.admin@example.test", "Sam Admin", "Council IT", roles=(Role.SYSADMIN,))
    sign_in(page, axe, admin)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Administration").click()
    arrive(page, axe, "Users")

    page.get_by_role("link", name="Add a user").click()
    arrive(page, axe, "Add a user")
    refused(page, axe, "Save", "Choose at least one role")
    page.get_by_label("Email address").fill("new.worker@example.test")
    page.get_by_label("Full name").fill("Nia Worker")
    page.get_by_label("Agency").select_option(label="Council IT")
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table")).to_contain_text("Nia Worker")
    axe(page)
    assert User.objects.get(email="new.worker@example.test").role_set == {Role.PRACTITIONER}

    page.get_by_role("link", name="Nia Worker").click()
    arrive(page, axe, "Edit Nia Worker")

    page.goto("/admin/agencies")
    arrive(page, axe, "Agencies")
    page.get_by_role("link", name="Add an agency").click()
    arrive(page, axe, "Add an agency")
    page.get_by_label("Name").fill("Cherwell Youth Club")
    page.get_by_label("Youth service").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table")).to_contain_text("Cherwell Youth Club")
    axe(page)

    page.get_by_role("link", name="Council profile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("profile")
    axe(page)
    page.get_by_label("Review interval in weeks").fill("0")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("alert")).to_contain_text("The review interval must be at least 1 week")
    axe(page)
