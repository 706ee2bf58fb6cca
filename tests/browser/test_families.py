"""Find before create, starting a family, adding people and relationships, and the genogram."""

import datetime
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind
from hearth.families import services as people_services
from hearth.families.services import AddressInput
from hearth.people.models import Sex

from .conftest import sign_in
from .pages import arrive, heading

pytestmark = pytest.mark.browser

NEW_FAMILY_ROLE = "This person's role in the family"
PARENT = "Parent or carer with parental responsibility"
CHILD = "Child or young person"
MATCHES_HEADING = re.compile(r"^(No existing records match|\d+ possible match(es)?)$")


def search(page, axe, given_name: str, family_name: str, *, expected=MATCHES_HEADING) -> None:
    """On a 'Check whether they already have a record' page: search and wait for the answer."""
    arrive(page, axe, "Check whether they already have a record")
    page.get_by_label("Given name").fill(given_name)
    page.get_by_label("Family name").fill(family_name)
    page.get_by_role("button", name="Check for existing records").click()
    expect(page.locator("#matches-heading")).to_have_text(expected)
    axe(page)


def fill_date(page, group: str, date: datetime.date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(date.day))
    fieldset.get_by_label("Month").fill(str(date.month))
    fieldset.get_by_label("Year").fill(str(date.year))


def fill_person(page, *, role_group: str, role: str, dob: datetime.date, sex: str, address=None) -> None:
    page.get_by_role("group", name=role_group).get_by_label(role, exact=True).check()
    fill_date(page, "Date of birth", dob)
    page.get_by_role("group", name="Sex", exact=True).get_by_label(sex, exact=True).check()
    if address:
        line_1, town, postcode = address
        page.get_by_label("Address line 1").fill(line_1)
        page.get_by_label("Town or city").fill(town)
        page.get_by_label("Postcode").fill(postcode)


def success_banner(page, text: str) -> None:
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(text)


def add_member(page, axe, family, given_name, family_name, *, role, dob, sex):
    page.get_by_role("link", name="Add a person").click()
    expect(page.locator(".govuk-caption-l")).to_have_text("Add a person")
    search(page, axe, given_name, family_name)
    page.get_by_role("link", name="Create a new person record").click()
    arrive(page, axe, f"Add a person to {family}")
    expect(page.get_by_label("Given name")).to_have_value(given_name)
    expect(page.get_by_label("Family name", exact=True)).to_have_value(family_name)
    fill_person(page, role_group="Their role in the family", role=role, dob=dob, sex=sex)
    page.get_by_role("button", name="Save").click()
    expect(heading(page, family)).to_be_visible()
    success_banner(page, f"{given_name} {family_name} has been added to {family}.")
    axe(page)


def record_relationship(page, axe, family, from_name, kind, to_name):
    page.get_by_role("link", name="Record a relationship").click()
    arrive(page, axe, "Record a relationship")
    page.get_by_label("Person", exact=True).select_option(label=from_name)
    page.get_by_label("is the", exact=True).select_option(label=kind)
    page.get_by_label("of", exact=True).select_option(label=to_name)
    page.get_by_role("button", name="Save").click()
    expect(heading(page, family)).to_be_visible()
    success_banner(page, "The relationship has been recorded.")
    axe(page)


def start_family(page, axe, given_name: str, family_name: str) -> None:
    """From any signed-in page: New family, search, and open the new-record form."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="New family").click()
    search(page, axe, given_name, family_name, expected="No existing records match")
    expect(page.get_by_text("Nobody matches these details, so you can create a new record.")).to_be_visible()
    page.get_by_role("link", name="Create a new person record").click()
    arrive(page, axe, "Start a new family record")


def test_new_family_form_keeps_the_family_name_apart_from_the_person_family_name(page, axe, practitioner):
    sign_in(page, axe, practitioner)
    start_family(page, axe, "Joanne", "Brightwater")
    expect(page.get_by_label("Name of the family")).to_have_value("The Brightwater family")
    expect(page.get_by_label("Family name", exact=True)).to_have_value("Brightwater")
    page.get_by_label("Name of the family").fill("The Brightwater-Hale family")
    fill_person(page, role_group=NEW_FAMILY_ROLE, role=PARENT, dob=datetime.date(1988, 6, 14), sex="Female")
    page.get_by_role("button", name="Save").click()
    arrive(page, axe, "The Brightwater-Hale family")
    expect(page.locator("#members")).to_contain_text("Joanne Brightwater")


def test_start_a_family_add_people_and_relationships_and_see_the_genogram(page, axe, practitioner):
    sign_in(page, axe, practitioner)

    # Find before create: nobody matches, so a new record is offered, filled in from the search.
    start_family(page, axe, "Joanne", "Brightwater")
    expect(page.get_by_label("Name of the family")).to_have_value("The Brightwater family")
    expect(page.get_by_label("Given name")).to_have_value("Joanne")
    expect(page.get_by_label("Family name", exact=True)).to_have_value("Brightwater")
    fill_person(page, role_group=NEW_FAMILY_ROLE, role=PARENT, dob=datetime.date(1988, 6, 14), sex="Female",
                address=("4 Canal Street", "Banbury", "ox16 5ab"))
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-caption-l")).to_have_text("Family")
    family_name = page.get_by_role("heading", level=1).inner_text()
    success_banner(page, f"{family_name} has been created.")
    axe(page)
    expect(page.get_by_text("No relationships recorded yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Record a relationship")).to_have_count(0)

    add_member(page, axe, family_name, "Sam", "Brightwater", role=PARENT, dob=datetime.date(1986, 2, 2),
               sex="Male")
    add_member(page, axe, family_name, "Mia", "Brightwater", role=CHILD, dob=datetime.date(2016, 9, 3),
               sex="Female")

    members = page.locator("#members tbody tr")
    expect(members).to_have_count(3)
    joanne = members.filter(has_text="Joanne Brightwater")
    expect(joanne).to_contain_text("Parent or carer with parental responsibility")
    expect(joanne).to_contain_text("14 June 1988")
    expect(joanne).to_contain_text("4 Canal Street")
    expect(joanne).to_contain_text("OX16 5AB")
    expect(members.filter(has_text="Mia Brightwater")).to_contain_text("Child or young person")
    expect(members.filter(has_text="Sam Brightwater")).to_contain_text("Not recorded")

    record_relationship(page, axe, family_name, "Joanne Brightwater", "Mother", "Mia Brightwater")
    record_relationship(page, axe, family_name, "Sam Brightwater", "Father", "Mia Brightwater")
    record_relationship(page, axe, family_name, "Joanne Brightwater", "Partner", "Sam Brightwater")

    genogram = page.locator("figure svg[role='img']")
    expect(genogram).to_be_visible()
    expect(genogram.locator("title#genogram-title")).to_have_text("Genogram")
    for name in ("Joanne Brightwater", "Sam Brightwater", "Mia Brightwater"):
        expect(genogram.locator("text", has_text=name)).to_be_visible()
    box = genogram.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 200, box
    expect(page.locator("#genogram-text li")).to_have_text([
        "Joanne Brightwater is the mother of Mia Brightwater",
        "Sam Brightwater is the father of Mia Brightwater",
        "Joanne Brightwater is the partner of Sam Brightwater",
    ])
    if shots := os.environ.get("HEARTH_BROWSER_SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / "family.png"), full_page=True)


def test_find_before_create_shows_a_record_the_user_cannot_see_without_its_details(page, axe, practitioner,
                                                                                   make_user):
    health_visitor = make_user("olu.okoro@example.test", "Olu Okoro", "Banbury Health Visiting",
                               kind=AgencyKind.HEALTH_VISITING)
    lead = make_user("lena.lloyd@example.test", "Lena Lloyd", "Cherwell Family Hub")
    family = people_services.family_create(actor=health_visitor, name="The Harrington family")
    people_services.person_create(
        actor=health_visitor, family=family, role="child",
        data={"given_name": "Ellie", "family_name": "Harrington", "date_of_birth": datetime.date(2014, 11, 8),
              "sex": Sex.FEMALE},
        address=AddressInput(line_1="12 Orchard Way", town="Banbury", postcode="OX16 9AB"))
    access_services.involvement_start(actor=lead, family=family, user=lead, relationship=InvolvedAs.LEAD_PROFESSIONAL)

    sign_in(page, axe, practitioner)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="New family").click()
    search(page, axe, "Ellie", "Harington", expected="1 possible match")

    card = page.locator(".govuk-summary-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", name="A record you cannot see")).to_be_visible()
    expect(card).to_contain_text(
        "This person has an active Early Help lead professional: Lena Lloyd, Cherwell Family Hub. "
        "Contact them before starting anything new.")
    expect(card.get_by_role("link")).to_have_count(0)
    main = page.locator("main").inner_text()
    for secret in ("Harrington", "8 November 2014", "2014", "Orchard Way", "OX16 9AB", "Okoro"):
        assert secret not in main, f"{secret!r} is shown to a practitioner who cannot see the record"
    expect(page.get_by_role("link", name="Create a new person record")).to_be_visible()


def test_new_person_form_lists_each_error_in_the_summary_linked_to_its_field(page, axe, practitioner):
    sign_in(page, axe, practitioner)
    start_family(page, axe, "Alex", "Quillfeather")

    next_year = datetime.date.today() + datetime.timedelta(days=365)
    fill_person(page, role_group=NEW_FAMILY_ROLE, role=CHILD, dob=next_year, sex="Not known")
    page.get_by_label("NHS number").fill("123 456 7890")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Start a new family record"))
    axe(page)
    links = summary.get_by_role("link")
    expect(links).to_have_text([
        "Date of birth must be today or in the past",
        "Enter a real NHS number: the last digit does not match the check digit",
    ])
    expect(links.nth(0)).to_have_attribute("href", "#id_date_of_birth-day")
    expect(links.nth(1)).to_have_attribute("href", "#id_nhs_number")

    # Each message is beside its field too, and what was typed is kept.
    expect(page.locator("#id_date_of_birth-error")).to_contain_text(
        "Date of birth must be today or in the past")
    expect(page.locator("#id_nhs_number-error")).to_contain_text("Enter a real NHS number")
    expect(page.get_by_label("NHS number")).to_have_value("123 456 7890")
    year = page.get_by_role("group", name="Date of birth").get_by_label("Year")
    expect(year).to_have_value(str(next_year.year))

    links.nth(1).click()
    expect(page.get_by_label("NHS number")).to_be_focused()
    links.nth(0).click()
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Day")).to_be_focused()
