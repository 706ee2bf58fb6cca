"""A practitioner corrects a mistyped outcome and withdraws an action added by mistake, each with a reason, and sees
the history on the plan: the earlier wording behind "Earlier wording", the withdrawn action struck with its reason."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.cases import services as case_services
from hearth.plans import services as plans

from .conftest import sign_in
from .pages import arrive, errors, fill, success

pytestmark = pytest.mark.browser

MISTYPED = "Sam goes to shcool every day"
FIXED = "Sam goes to school every day"


@pytest.fixture
def plan(testwood, practitioner, council):
    family = testwood["family"]
    episode = case_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    outcome = plans.outcome_add(actor=practitioner, episode=episode, description=MISTYPED)
    plans.action_add(actor=practitioner, episode=episode, what="Morning routine chart", outcome=outcome,
                     due_on=timezone.localdate() + datetime.timedelta(days=30), owner_user=practitioner)
    plans.action_add(actor=practitioner, episode=episode, what="Breakfast club place", outcome=outcome,
                     due_on=timezone.localdate() + datetime.timedelta(days=30), owner_user=practitioner)
    return {"episode": episode, "title": (council.plan_names or {}).get("level_2") or "The plan"}


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a window {widths[1]} px wide"


def test_correcting_an_outcome_and_withdrawing_an_action_keep_their_history(page, axe, practitioner, plan):
    sign_in(page, axe, practitioner)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/episodes/{plan['episode'].pk}/plan")
    arrive(page, axe, plan["title"])
    _no_sideways_scroll(page)

    # Correct the outcome: the reason is asked for, then the plan shows the new wording and the old one.
    page.get_by_role("link", name=f"Change the outcome: {MISTYPED}").click()
    arrive(page, axe, "Change an outcome")
    fill(page, {"What the family wants to achieve": FIXED})
    page.get_by_role("button", name="Save the outcome").click()
    errors(page, "Give the reason for the correction")
    axe(page)
    fill(page, {"Why you are correcting the wording (only if you change it)": "Spelling mistake"})
    page.get_by_role("button", name="Save the outcome").click()
    arrive(page, axe, plan["title"], banner="The outcome has been changed.")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=FIXED)).to_be_visible()
    history = page.locator(".hearth-history").first
    expect(history).to_contain_text("Corrected on")
    expect(history).to_contain_text("by Priya Shah")
    expect(history).to_contain_text("Spelling mistake")
    history.get_by_text("Earlier wording").click()
    expect(history.get_by_text(MISTYPED)).to_be_visible()
    axe(page)

    # Withdraw an action: refused without a reason; then it leaves the plan and is shown struck, with the reason.
    page.get_by_role("link", name="Withdraw the action: Breakfast club place").click()
    arrive(page, axe, "Withdraw the action")
    page.get_by_role("button", name="Withdraw the action").click()
    errors(page, "Give the reason for withdrawing it")
    axe(page)
    fill(page, {"Why it is being withdrawn": "The school has no breakfast club"})
    page.get_by_role("button", name="Withdraw the action").click()
    arrive(page, axe, plan["title"], banner="The action has been withdrawn.")
    success(page, "It is kept, marked as withdrawn.")
    withdrawn = page.locator("#withdrawn")
    expect(withdrawn.locator("s")).to_have_text("Breakfast club place")
    expect(withdrawn).to_contain_text("The school has no breakfast club")
    expect(page.locator("#open-outcomes")).not_to_contain_text("Breakfast club place")
    expect(page.locator("#open-outcomes")).to_contain_text("Morning routine chart")
    _no_sideways_scroll(page)
