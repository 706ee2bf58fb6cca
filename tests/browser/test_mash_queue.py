"""The screening queue as MASH uses it: a practitioner says a child is frightened to return home on a request for
support; the screener opens the queue and finds that request first, with its urgency and the situation, above an
older routine request, with the child, the family, the concern and the time waiting; and the queue fits a 320 px
window."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.accounts.models import AgencyKind, Role
from hearth.families import services as people_services
from hearth.people.models import Sex
from hearth.referrals import services as referral_services
from hearth.referrals.models import AgreementMethod, Referral, Urgency
from hearth.referrals.urgency import waiting

from .conftest import sign_in
from .pages import arrive, errors, sign_out, success

pytestmark = pytest.mark.browser

FRIGHTENED = "The child is frightened to return home"
ABUSE = "There are allegations or concerns that the child has been sexually or physically abused"


def _family(practitioner, name: str, child: str):
    family = people_services.family_create(actor=practitioner, name=f"The {name} family")
    people_services.person_create(actor=practitioner, family=family, role="child", data={
        "given_name": child, "family_name": name, "sex": Sex.FEMALE, "date_of_birth": datetime.date(2017, 3, 9)})
    return family


def test_a_screener_sees_the_urgent_request_first_with_its_situation(page, axe, practitioner, make_user):
    screener = make_user("sam.screener@example.test", "Sam Screener", "MASH", kind=AgencyKind.SOCIAL_CARE,
                         roles=(Role.MASH_SCREENER,))
    routine_family = _family(practitioner, "Routinely", "Rosa")
    routine = referral_services.referral_request_create(
        actor=practitioner, family=routine_family, concerns="Rosa's attendance has fallen to 80 per cent.",
        family_agrees=True, agreement_method=AgreementMethod.WRITTEN, agreement_given_by="Her father")
    six_days_ago = timezone.now() - datetime.timedelta(days=6)
    Referral.objects.filter(pk=routine.pk).update(received_at=six_days_ago)
    urgent_family = _family(practitioner, "Quickly", "Quinn")

    # The practitioner asks for support and says which same-working-day situation applies.
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{urgent_family.pk}/referrals/new")
    arrive(page, axe, "Request support")
    situations = page.get_by_role("group", name="Do any of these apply to a child in the family?")
    expect(situations.get_by_label(ABUSE)).to_be_visible()
    page.get_by_label("What are your concerns?").fill(
        "Quinn told her teacher she is scared to go home because of shouting at night.")
    situations.get_by_label(FRIGHTENED).check()
    page.get_by_role("button", name="Send the request").click()
    errors(page, "Say whether the family agrees to this request for support")
    expect(page.get_by_role("group", name="Do any of these apply to a child in the family?")
           .get_by_label(FRIGHTENED)).to_be_checked()  # kept after the error
    axe(page)
    page.get_by_role("group", name="Does the family agree to this request for support?").get_by_label(
        "Yes", exact=True).check()
    page.get_by_role("group", name="If yes, how did they agree?").get_by_label("Verbally").check()
    page.get_by_label("If yes, who in the family agreed?").fill("Her mother")
    page.get_by_role("button", name="Send the request").click()
    success(page, "Your request for support has been sent to the Early Help team")
    success(page, "phone MASH now as well")
    urgent = Referral.objects.exclude(pk=routine.pk).get()
    axe(page)
    sign_out(page, axe)

    # The screener lands on the queue: the urgent request first, whatever its age.
    sign_in(page, axe, screener)
    expect(page.get_by_role("heading", level=1, name="Requests for support and referrals")).to_be_visible()
    rows = page.get_by_role("table", name="Waiting for screening (2)").locator("tbody tr")
    expect(rows).to_have_count(2)
    first, second = rows.nth(0), rows.nth(1)
    expect(first.get_by_role("link", name=urgent.reference)).to_be_visible()
    expect(first).to_contain_text("Same working day")
    expect(first.get_by_role("listitem").filter(has_text=FRIGHTENED)).to_be_visible()
    expect(first).not_to_contain_text(ABUSE)
    expect(first).to_contain_text("The Quickly family")
    expect(first).to_contain_text("Quinn told her teacher she is scared to go home")
    expect(first).to_contain_text("Waiting less than an hour")
    expect(second.get_by_role("link", name=routine.reference)).to_be_visible()
    expect(second).to_contain_text("Routine")
    expect(second).to_contain_text("The Routinely family")
    expect(second).to_contain_text("Rosa Routinely (Child or young person, born 9 March 2017)")
    expect(second).to_contain_text(waiting(six_days_ago, Urgency.ROUTINE).text)  # four or five working days
    axe(page)

    # At 320 px the rows stack, each answer under its column's name, and nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    expect(first.get_by_text("Urgency", exact=True)).to_be_visible()
    wide, window = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide <= window, f"the queue is {wide} px wide in a window {window} px wide"
    axe(page)

    # The referral's own page says the same.
    first.get_by_role("link", name=urgent.reference).click()
    arrive(page, axe, urgent.reference)
    expect(page.locator("#urgency")).to_contain_text("Same working day")
    expect(page.locator("#urgency")).to_contain_text(FRIGHTENED)
