"""Signing in with two-factor authentication, and first-time enrolment of an authenticator app."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from hearth.accounts import services as account_services
from hearth.accounts.models import Agency, AgencyKind, Role, User

from .conftest import PASSWORD, enter_password, sign_in, totp_code

pytestmark = pytest.mark.browser


def _wrong_code(secret: str) -> str:
    """A 6-digit code that is not accepted now (not the code of this, the last or the next time step)."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    accepted = {totp.at(now + d) for d in (-60, -30, 0, 30, 60)}
    code = 123456
    while f"{code:06d}" in accepted:
        code += 1
    return f"{code:06d}"


def test_sign_in_with_password_and_security_code_lands_on_my_families(page, axe, practitioner):
    sign_in(page, axe, practitioner)

    expect(page).to_have_title(re.compile(r"^My families – Hearth"))
    menu = page.get_by_role("navigation", name="Menu")
    current = re.compile("page|true")
    expect(menu.get_by_role("link", name="My families")).to_have_attribute("aria-current", current)
    expect(page.get_by_text("You are not working with any families yet.")).to_be_visible()
    # The GOV.UK Frontend stylesheet and JavaScript were served and applied.
    styles = page.evaluate("""() => {
        const h1 = getComputedStyle(document.querySelector("h1"));
        const js = document.body.classList.contains("govuk-frontend-supported");
        return {font: h1.fontFamily, weight: h1.fontWeight, js};
    }""")
    assert "arial" in styles["font"].lower(), styles
    assert styles["weight"] == "700", styles
    assert styles["js"], "GOV.UK Frontend's JavaScript did not initialise"


def test_a_wrong_security_code_shows_the_error_summary_linked_to_the_field(page, axe, practitioner):
    enter_password(page, axe, practitioner.email)
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()
    axe(page)

    page.get_by_label("Security code").fill(_wrong_code(practitioner.totp_secret))
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Enter your security code"))
    axe(page)
    link = summary.get_by_role(
        "link", name="The security code is not right. Check your authenticator app and try again")
    expect(link).to_have_attribute("href", "#id_code")
    # The message is also beside the field, and read out with it.
    expect(page.locator("#id_code-error")).to_contain_text("Error: The security code is not right")
    expect(page.get_by_label("Security code")).to_have_accessible_description(
        re.compile(r"Error:\s+The security code is not right"))
    link.click()
    expect(page.get_by_label("Security code")).to_be_focused()

    # The right code still signs in.
    page.get_by_label("Security code").fill(totp_code(practitioner.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    axe(page)


def test_first_sign_in_sets_up_the_authenticator_app_and_shows_recovery_codes(page, axe, council):
    agency = Agency.objects.create(council=council, name="Bicester Health Visiting",
                                   kind=AgencyKind.HEALTH_VISITING)
    user = account_services.user_create(actor=None, email="nia.new@example.test", full_name="Nia New",
                                        agency=agency, roles=[Role.PRACTITIONER], password=PASSWORD)
    assert not user.has_totp

    enter_password(page, axe, "nia.new@example.test")

    expect(page.get_by_role("heading", level=1, name="Set up two-factor authentication")).to_be_visible()
    axe(page)
    qr = page.locator("svg").filter(has=page.locator("title", has_text="QR code for your authenticator app"))
    expect(qr).to_be_visible()
    key = page.locator("#totp-secret").inner_text()
    secret = re.sub(r"\s", "", key)
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), key

    page.get_by_label("Code from the app").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1, name="Your recovery codes")).to_be_visible()
    axe(page)
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", c) for c in codes.all_inner_texts())
    expect(page.get_by_text("These codes are shown only once")).to_be_visible()

    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    axe(page)
    assert User.objects.get(pk=user.pk).has_totp
