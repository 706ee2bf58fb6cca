"""An Oxfordshire family's locality: set from the postcode of the address a practitioner records (the council
profile's postcode districts), then changed by hand with a reason."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .pages import arrive, click, errors, fill, heading, refused, row, success

pytestmark = pytest.mark.browser


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})


def test_recording_an_address_sets_the_locality_which_can_then_be_changed(page, axe, practitioner, testwood):
    family = testwood["family"]
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testwood family")
    expect(row(page, "Locality")).to_contain_text("Not set")

    click(page, "Jo Testwood")
    arrive(page, axe, "Jo Testwood")
    click(page, "Record a new address")
    arrive(page, axe, "Record a new address")
    fill(page, {"Address line 1": "4 Castle Street", "Town or city": "Banbury", "Postcode": "BANBURY16"})
    refused(page, axe, "Save", "Enter a real UK postcode, like OX4 3LX")
    expect(page.locator(".govuk-error-summary li")).to_have_count(1)  # one message for one mistake

    fill(page, {"Postcode": "ox16 5au"})
    click(page, "Save", "button")
    arrive(page, axe, "Jo Testwood", banner="The Testwood family's locality is now LCSS North, from the postcode "
                                            "OX16 5AU.")

    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testwood family")
    expect(row(page, "Locality")).to_have_text("LCSS North")
    _fits_320(page)

    click(page, "Change locality")
    arrive(page, axe, "Change The Testwood family's locality")
    _fits_320(page)
    choice = page.get_by_role("group", name="Which locality's team should the family's records go to?")
    expect(choice.get_by_label("LCSS North")).to_be_checked()
    choice.get_by_label("LCSS South").check()
    refused(page, axe, "Change locality", "Enter why you are changing the family's locality")
    errors(page, "Enter why you are changing the family's locality")
    fill(page, {"Why are you changing the family's locality?": "Moving to Abingdon; the South team will work "
                                                                 "with them"})
    click(page, "Change locality", "button")
    expect(heading(page, "The Testwood family")).to_be_visible()
    success(page, "The Testwood family's locality has been changed.")
    axe(page)
    expect(row(page, "Locality")).to_contain_text("LCSS South")
    expect(row(page, "Locality")).to_contain_text("Chosen by hand: Moving to Abingdon; the South team will work "
                                                  "with them")
