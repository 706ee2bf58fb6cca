"""Supporting Families as a practitioner and an analyst use it: the lead professional records a headline need in two
steps (which need, then what shows it and the evidence), a need without evidence is refused with the error summary,
the family's programme page shows it, and the analyst reads the quarterly return; every page passes axe at 1280 and
320 px."""

import datetime

import pytest
import yaml
from django.utils import timezone
from playwright.sync_api import expect

from hearth.accounts.models import Role
from hearth.core import profiles

from .conftest import sign_in
from .pages import arrive, click, errors, fill_date, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def taking_part(council):
    profile = yaml.safe_load((profiles.PROFILE_DIR / "redcar-and-cleveland.yaml").read_text())
    council.supporting_families = profile["councils"][0]["supporting_families"]
    council.save()
    return council


def test_the_lead_records_a_headline_need_and_the_analyst_reads_the_return(page, axe, record, practitioner,
                                                                           make_user, taking_part):
    family = record["family"]
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testwood family")
    expect(page.locator("#programme-summary")).to_contain_text("No headline needs recorded.")
    page.get_by_role("link", name="needs, progress and claim").click()
    arrive(page, axe, "Supporting Families")
    click(page, "Record a headline need")
    arrive(page, axe, "Record a headline need")
    page.get_by_label("Secure housing").check()
    page.get_by_role("button", name="Continue").click()
    arrive(page, axe, "Record a headline need: Secure housing")
    page.get_by_label("The family is homeless or at risk of losing their home").check()
    fill_date(page, "Date the need was identified", timezone.localdate() - datetime.timedelta(days=3))
    page.get_by_role("button", name="Save").click()
    errors(page, "Enter the evidence of the need")
    axe(page)
    page.get_by_label("The evidence").fill("Notice to quit served by the landlord; seen at the home visit.")
    page.get_by_role("button", name="Save").click()
    arrive(page, axe, "Supporting Families", banner="“Secure housing” has been recorded.")
    card = page.locator("#need-housing")
    expect(card).to_contain_text("The family is homeless or at risk of losing their home")
    expect(card).to_contain_text("Notice to quit served by the landlord")
    expect(page.locator("#eligibility")).to_contain_text("It is eligible with 3.")

    analyst = make_user("ali.rahman@example.test", "Ali Rahman", "Performance", roles=(Role.ANALYST,))
    sign_out(page, axe)
    sign_in(page, axe, analyst)
    click(page, "Supporting Families")
    arrive(page, axe, "Supporting Families")
    expect(page.get_by_role("table", name="Each headline need: the families worked with who have it")).to_be_visible()
    expect(page.locator("#share-refused")).to_contain_text("Only the council's data protection officer")
