"""Consent to share for a family of four recorded in one pass, then each person's coverage seen on the consent page
and the family page. Every page is checked with axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind
from hearth.families import services as people_services

from .conftest import sign_in
from .pages import arrive, click, fill_date, refused

pytestmark = pytest.mark.browser


@pytest.fixture
def family_of_four(practitioner, make_user):
    """The Testfamily family: two parents, Alex (14) and Sam (7); a school's practitioner is in the team around the
    family, waiting for consent to cover their school."""
    family = people_services.family_create(actor=practitioner, name="The Testfamily family")
    today = timezone.localdate()

    def person(role, given_name, years):
        born = datetime.date(today.year - years, 1, 1) if years else None
        return people_services.person_create(actor=practitioner, family=family, role=role, data={
            "given_name": given_name, "family_name": "Testfamily", "date_of_birth": born})

    members = {"dana": person("parent_pr", "Dana", 40), "lee": person("parent_pr", "Lee", 42),
               "alex": person("child", "Alex", 14), "sam": person("child", "Sam", 7)}
    school = make_user("sam.brook@example.test", "Sam Brook", "Brook School", kind=AgencyKind.SCHOOL)
    access_services.involvement_start(actor=practitioner, family=family, user=school,
                                      relationship=InvolvedAs.TAF_MEMBER)
    return {"family": family, **members}


def test_a_family_of_four_gives_consent_in_one_pass_and_each_person_is_shown_covered(
        page, axe, practitioner, family_of_four):
    family = family_of_four["family"]
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testfamily family")
    expect(page.locator("#consent-summary")).to_have_text("Consent to share: none in place for anyone in the family.")
    click(page, "Consent, lawful bases and who can see the record")
    arrive(page, axe, "Consent and information sharing")
    expect(page.locator("#not-covered")).to_contain_text("Brook School")
    click(page, "Record consent to share information for one or more people")
    arrive(page, axe, "Record consent to share information")

    refused(page, axe, "Save", "Choose whose consent you are recording", "Enter the date consent was given",
            "Choose at least one purpose the family agreed to")
    whose = page.get_by_role("group", name="Whose consent are you recording?")
    for name in ("Dana Testfamily", "Lee Testfamily", "Alex Testfamily", "Sam Testfamily"):
        whose.get_by_label(name, exact=True).check()
    alex = page.get_by_role("group", name="Who gave consent for Alex Testfamily?")
    alex.get_by_label("Alex, deciding for themselves").check()
    # Alex is 14: their own consent counts once the practitioner records their judgement of competence.
    fill_date(page, "Date consent was given", timezone.localdate() - datetime.timedelta(days=1))
    page.get_by_role("group", name="How consent was given").get_by_label("Verbally").check()
    page.get_by_label("Assessment and planning", exact=True).check()
    page.get_by_label("Every agency in the Team Around the Family").check()
    page.get_by_role("group", name="Who gave consent for Sam Testfamily?").get_by_label(
        "Dana Testfamily, on Sam's behalf").check()
    refused(page, axe, "Save", "Alex is 14. Confirm you judged them able to understand and decide for themselves")

    page.get_by_label("I judged Alex able to understand and decide for themselves (Gillick competence)").check()
    page.get_by_label("How you judged it, or why Alex decides for themselves").fill(
        "Alex explained in their own words who would see what")
    click(page, "Save", "button")
    arrive(page, axe, "Consent and information sharing", "The consent to share has been recorded for 4 people.")
    coverage = page.locator("#people-coverage")
    for name in ("Dana Testfamily", "Lee Testfamily", "Alex Testfamily", "Sam Testfamily"):
        expect(coverage.locator(".govuk-summary-list__row", has_text=name)).to_contain_text(
            "Consent to share given on")
    expect(coverage).not_to_contain_text("Not yet covered")
    expect(page.locator("#consent-summary")).to_have_text(
        "Consent to share: in place for everyone in the family (4 of 4).")
    expect(page.locator("#not-covered")).to_have_count(0)

    page.goto(f"/families/{family.pk}")
    arrive(page, axe, "The Testfamily family")
    expect(page.locator("#consent-summary")).to_have_text(
        "Consent to share: in place for everyone in the family (4 of 4).")
    expect(page.locator("#consent-people")).to_contain_text("Sam Testfamily")


def test_one_persons_consent_leaves_the_others_not_yet_covered(page, axe, practitioner, family_of_four):
    family = family_of_four["family"]
    sign_in(page, axe, practitioner)
    page.goto(f"/families/{family.pk}/consent/share/new")
    arrive(page, axe, "Record consent to share information")
    page.get_by_role("group", name="Whose consent are you recording?").get_by_label(
        "Dana Testfamily", exact=True).check()
    fill_date(page, "Date consent was given", timezone.localdate())
    page.get_by_role("group", name="How consent was given").get_by_label("Verbally").check()
    page.get_by_label("Assessment and planning", exact=True).check()
    page.get_by_label("Every agency in the Team Around the Family").check()
    click(page, "Save", "button")
    arrive(page, axe, "Consent and information sharing", "The consent to share has been recorded.")
    expect(page.locator("#consent-summary")).to_have_text(
        "Consent to share: in place for 1 of 4 people. Not yet covered by their own consent: Lee Testfamily, "
        "Alex Testfamily, Sam Testfamily.")
    for name in ("Lee Testfamily", "Alex Testfamily", "Sam Testfamily"):
        expect(page.locator("#people-coverage .govuk-summary-list__row", has_text=name)).to_contain_text(
            "Not yet covered: no consent to share has been recorded.")
    # The family's agreement to Early Help asks the same of a young person deciding for themselves.
    click(page, "Record the family's agreement to Early Help")
    arrive(page, axe, "Record the family's agreement to Early Help")
    expect(page.locator("#own-decision")).to_contain_text("12 to 15, or if their date of birth is not recorded")
