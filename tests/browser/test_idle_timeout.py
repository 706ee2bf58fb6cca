"""The idle timeout: a warning before the session ends, 'Stay signed in', and signing out when idle."""

import time

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser

TIMEOUT, WARNING = 14, 8  # seconds: the warning shows 6 seconds after the last request (after sign_in's checks)
MESSAGE = "You will be signed out soon because you have not done anything for a while."


def test_idle_warning_appears_and_stay_signed_in_keeps_the_session(page, axe, practitioner, settings):
    settings.SESSION_COOKIE_AGE = TIMEOUT
    settings.HEARTH_IDLE_WARNING_SECONDS = WARNING
    settings.HEARTH_SESSION_RENEW_SECONDS = None  # renewed as deployed: here at most once a second
    sign_in(page, axe, practitioner)
    # The idle timer starts when the page loads, before sign_in's checks of it: count from the page's own start.
    loaded = time.monotonic() - page.evaluate("performance.now()") / 1000

    banner = page.locator("#idle-warning")
    expect(banner).to_have_attribute("data-timeout", str(TIMEOUT))
    expect(banner).to_have_attribute("data-warning", str(WARNING))
    expect(banner).to_be_hidden()

    expect(banner).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    assert time.monotonic() - loaded >= TIMEOUT - WARNING - 0.5, "the warning came too early"
    expect(banner.get_by_role("heading", name="Important")).to_be_visible()
    expect(banner).to_contain_text(MESSAGE)
    stay = banner.get_by_role("button", name="Stay signed in")
    # The button takes the focus, and a screen reader reads the warning with it (the banner was
    # hidden, so its live region alone is not reliably announced).
    expect(stay).to_be_focused()
    expect(stay).to_have_accessible_description(MESSAGE)
    axe(page)

    stay.click()
    expect(banner).to_be_hidden()
    # Past the time the session would have ended without 'Stay signed in', the user is still signed in.
    time.sleep(max(0.0, loaded + TIMEOUT + 0.5 - time.monotonic()))
    page.reload()
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    axe(page)

    # Doing nothing: the warning again, then signed out with an explanation.
    expect(banner).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible(timeout=(WARNING + 3) * 1000)
    signed_out = page.get_by_text("You were signed out because you had not done anything for a while.")
    expect(signed_out).to_be_visible()
    axe(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    axe(page)
