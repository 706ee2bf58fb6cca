"""One family's whole Early Help journey, walked in the browser by the people who would walk it.

A parent asks for support online; a MASH screener links the request to a new family record and decides
that an Early Help plan is needed; the lead professional adds the children, completes the Early Help
Assessment, holds the Team Around the Family meeting that agrees the plan, reviews it twice and downloads
the family's copies; the family is stepped up to MASH and Early Help closes for statutory services; a
social worker later steps the family down, and the new lead professional closes Early Help when the
outcomes are achieved.

Every page is reached by clicking links and filling in forms, and every page is checked with axe.
"""

import pytest
from django.core import mail
from django.utils import timezone

from hearth.accounts.models import AgencyKind, Role

from .journey.asking import parent_asks_for_support, screener_links_and_screens_the_request
from .journey.early_help import (
    lead_agrees_the_plan,
    lead_assesses_the_family,
    lead_downloads_the_family_copies,
    lead_reviews_the_plan,
)
from .journey.statutory import (
    family_is_stepped_up_and_early_help_closes,
    new_lead_closes_early_help,
    social_worker_steps_the_family_down,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def people(make_user, practitioner):
    """Demo-like users of one council, each with an agency."""
    return {
        "lead": practitioner,
        "screener": make_user("morgan.ellis@example.test", "Morgan Ellis", "Oxfordshire MASH",
                              kind=AgencyKind.SOCIAL_CARE, roles=(Role.MASH_SCREENER,)),
        "social_worker": make_user("sade.okafor@example.test", "Sade Okafor", "Oxfordshire Children's Social Care",
                                   kind=AgencyKind.SOCIAL_CARE, roles=(Role.SOCIAL_WORKER,)),
        "new_lead": make_user("tom.reed@example.test", "Tom Reed", "Cherwell Family Hub",
                              kind=AgencyKind.EARLY_HELP_TEAM),
    }


def test_one_family_walks_the_whole_early_help_journey(page, axe, council, people, tmp_path, _watched_page):
    today = timezone.localdate()
    mail.outbox.clear()
    downloads: list[str] = []

    reference = parent_asks_for_support(page, axe)
    screener_links_and_screens_the_request(page, axe, people, reference)
    lead_assesses_the_family(page, axe, council, people)
    lead_agrees_the_plan(page, axe, today)
    lead_reviews_the_plan(page, axe, council, today)
    lead_downloads_the_family_copies(page, axe, council, tmp_path, downloads)
    family_is_stepped_up_and_early_help_closes(page, axe, people)
    social_worker_steps_the_family_down(page, axe, people, today)
    new_lead_closes_early_help(page, axe, people)

    # Chromium ends a navigation that turns into a download with net::ERR_ABORTED: that is the download working,
    # not a failed request.
    aborted = {f"Request failed: {url} net::ERR_ABORTED" for url in downloads}
    assert len(downloads) == 3, downloads
    _watched_page.problems[:] = [p for p in _watched_page.problems if p not in aborted]
