"""The outcome score form lines up each area's two scores at 1280 and 320 px; two sets of scores on one day are two
points on the line chart and two columns of its table; the data protection officer finds a family's access log by
searching, not by typing an address."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.core.models import Council
from tests import factories

from .conftest import sign_in
from .pages import arrive, click, data_protection_home, fill, fill_date, refused

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    wide, window = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide <= window, f"the page is {wide} px wide in a window {window} px wide"


def _boxes_line_up(page, areas: list[dict], *, side_by_side: bool) -> None:
    """Each area's two boxes: level with each other (their tops within a pixel) and side by side, or, where the
    window is too narrow for both, one under the other in the same group; never wider than the window."""
    for area in areas:
        group = page.get_by_role("group", name=area["name"], exact=True)
        agreed = group.get_by_label("Score agreed with the family (1 to 10)").bounding_box()
        own = group.get_by_label("Family's own score").bounding_box()
        if side_by_side:
            assert abs(agreed["y"] - own["y"]) <= 1, f"{area['name']}: the boxes are at {agreed['y']} and {own['y']}"
            assert own["x"] > agreed["x"] + agreed["width"], f"{area['name']}: the boxes overlap"
        else:
            assert own["y"] >= agreed["y"], f"{area['name']}: the family's score is above the agreed score"
        assert own["x"] + own["width"] <= page.viewport_size["width"]


def _fill_scores(page, areas: list[dict], agreed: int, family_routine_own: int | None = None) -> None:
    for area in areas:
        group = page.get_by_role("group", name=area["name"], exact=True)
        group.get_by_label("Score agreed with the family (1 to 10)").fill(str(agreed))
    if family_routine_own is not None:
        page.get_by_role("group", name="Family routine", exact=True).get_by_label(
            "Family's own score").fill(str(family_routine_own))


def test_the_score_form_lines_up_and_two_sets_on_one_day_are_both_charted(page, axe, practitioner, testwood):
    today = timezone.localdate()
    episode = factories.EpisodeFactory(family=testwood["family"], actor=practitioner, lead=practitioner,
                                       started_on=today - timedelta(days=60))
    areas = Council.objects.get(pk=testwood["family"].council_id).outcome_areas
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, axe, practitioner)

    page.goto(f"/episodes/{episode.pk}/outcomes/new")
    arrive(page, axe, "Record outcome scores")
    _boxes_line_up(page, areas, side_by_side=True)
    # A wrong score is shown above both boxes, which stay level.
    _fill_scores(page, areas, 4, family_routine_own=12)
    fill_date(page, "Date the scores were taken", today)
    refused(page, axe, "Record the scores",
            "The family's own score for Family routine must be a whole number from 1 to 10")
    _boxes_line_up(page, areas, side_by_side=True)
    page.get_by_role("group", name="Family routine", exact=True).get_by_label(
        "Family's own score").fill("3")
    click(page, "Record the scores", "button")
    arrive(page, axe, "Outcome scores", banner="The scores have been recorded.")

    # At 320 px the form still reads: each area's boxes stay in its group and nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/episodes/{episode.pk}/outcomes/new")
    arrive(page, axe, "Record outcome scores")
    _no_sideways_scroll(page)
    _boxes_line_up(page, areas, side_by_side=False)
    _fill_scores(page, areas, 7)
    fill_date(page, "Date the scores were taken", today)
    click(page, "Record the scores", "button")
    arrive(page, axe, "Outcome scores", banner="The scores have been recorded.")
    _no_sideways_scroll(page)

    # The second set of the day is its own column of the table and its own point on each area's chart.
    label = f"{today.day} {today:%b %Y}"
    readings = page.locator("#readings")
    expect(readings).to_contain_text(label)
    expect(readings).to_contain_text(f"{label} (2)")
    routine = page.locator("#area-family_routine")
    expect(routine.locator("circle")).to_have_count(2)
    expect(routine.locator("desc")).to_contain_text(f"{label}: 4; {label} (2): 7")
    expect(routine).to_contain_text("up 3 points, from 4 to 7")


def test_the_data_protection_officer_finds_a_familys_access_log_by_searching(page, axe, dpo, testwood):
    family, mum = testwood["family"], testwood["mum"]
    sign_in(page, axe, dpo)
    data_protection_home(page, axe)
    expect(page.get_by_role("main")).not_to_contain_text("/dpo/access/")
    refused(page, axe, "Search", "Enter a name, date of birth, NHS number or postcode to search for")
    fill(page, {"Given name": "Jo", "Family name": "Testwod"})  # a typo still finds her
    click(page, "Search", "button")
    expect(page.locator("#found-heading")).to_have_text("1 person found")
    expect(page.locator("#found")).to_contain_text(f"family record {family.pk}")
    axe(page)
    page.locator("#found").get_by_role("link", name="Who has accessed The Testwood family's record").click()
    arrive(page, axe, f"Who has accessed family record {family.pk}")
    expect(page.locator("#accessors")).to_contain_text("Priya Shah")

    # The same at 320 px, to the person's own access log.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/dpo")  # the menu is folded away at this width
    arrive(page, axe, "Data protection")
    fill(page, {"Family name": "Testwood"})
    click(page, "Search", "button")
    expect(page.locator("#found-heading")).to_have_text("1 person found")
    axe(page)
    _no_sideways_scroll(page)
    page.locator("#found").get_by_role("link", name="Who has accessed Jo Testwood's record").click()
    arrive(page, axe, f"Who has accessed person record {mum.pk}")
