"""The dashboard's family list, with its stage, status, next review and last activity columns, fits a 320 px
window (WCAG 2.2 reflow) and passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.assessments import services as assessments
from hearth.cases.models import Episode
from hearth.families import services as people
from hearth.plans.models import Review, ReviewDecision
from tests import factories

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_family_list_fits_a_320_px_window(page, axe, practitioner):
    drafting = people.family_create(actor=practitioner, name="The Featherstonehaugh-Whittingham family")
    assessments.assessment_start(actor=practitioner,
                                 episode=factories.EpisodeFactory(family=drafting, actor=practitioner))
    reviewing = people.family_create(actor=practitioner, name="The Review family")
    episode = factories.EpisodeInPlanFactory(family=reviewing, actor=practitioner)
    today = timezone.localdate()
    Review.objects.create(episode=episode, held_on=today - timedelta(weeks=7), summary="Going well",
                          decision=ReviewDecision.CONTINUE, recorded_by=practitioner)
    Episode.objects.filter(pk=episode.pk).update(next_review_due=today - timedelta(days=9))
    factories.ClosedEpisodeFactory(family=people.family_create(actor=practitioner, name="The Closed family"),
                                   actor=practitioner)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, axe, practitioner)
    page.goto("/")
    expect(page.locator("#families")).to_contain_text("Overdue")
    expect(page.locator("#families")).to_contain_text("Assessment in progress")
    axe(page)
    # The family list itself (the due-work panel above it belongs to the plans app and is measured with it).
    right, window = page.evaluate("[document.querySelector('#families').getBoundingClientRect().right,"
                                  " document.documentElement.clientWidth]")
    assert right <= window, f"the family list reaches {right} px in a window {window} px wide"
    table = page.evaluate("[document.querySelector('#families').scrollWidth,"
                          " document.querySelector('#families').clientWidth]")
    assert table[0] <= table[1], f"the family list is {table[0]} px wide inside {table[1]} px"
