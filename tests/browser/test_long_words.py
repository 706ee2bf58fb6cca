"""One long unbroken word (a pasted link, a run of letters typed by mistake) wraps: it does not widen the page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.cases import notes as case_notes

from .conftest import sign_in
from .pages import heading

pytestmark = pytest.mark.browser

WORD = "Unbroken" * 250  # 2,000 letters without a space


def test_a_case_note_of_one_long_word_does_not_widen_the_notes_page(page, axe, practitioner, testwood):
    family = testwood["family"]
    case_notes.note_add(actor=practitioner, family=family, note_type="phone", occurred_on=timezone.localdate(),
                        summary="Unbroken" * 20, body=WORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}/notes")
    expect(heading(page, "Case notes")).to_be_visible()
    expect(page.get_by_text(WORD[:40], exact=False).first).to_be_attached()
    axe(page)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a window {widths[1]} px wide"
