"""One family's whole Early Help journey, walked in the browser by the people who would walk it.

A parent asks for support online; a MASH screener links the request to a new family record and decides
that an Early Help plan is needed; the lead professional adds the children, completes the Early Help
Assessment, holds the Team Around the Family meeting that agrees the plan, reviews it twice and downloads
the family's copies; the family is stepped up to MASH and Early Help closes for statutory services; a
social worker later steps the family down, and the new lead professional closes Early Help when the
outcomes are achieved.

Every page is reached by clicking links and filling in forms, and every page is checked with axe.
"""

import datetime
import io
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind, Role
from hearth.people.models import Family

from .conftest import sign_in

pytestmark = pytest.mark.browser

FAMILY = "The Fairweather family"
PARENT = "Joanne Fairweather"
PARENT_EMAIL = "joanne.fairweather@example.test"
CHILDREN = (("Mia", datetime.date(2016, 9, 3), "Female"), ("Leo", datetime.date(2019, 4, 12), "Male"))
PARENT_ROLE = "Parent or carer with parental responsibility"
CHILD_ROLE = "Child or young person"

BACKGROUND_FACTS = "Mia's school attendance fell to 82% this term and Leo is often late for nursery."
BACKGROUND_VIEWS = "Joanne wants help with morning routines and with money worries since she started night shifts."
OUTCOME = "Mia and Leo get to school and nursery on time every day"
ACTION = "Set up a morning routine chart with Mia and Leo"
OUTCOME_MESSAGE = ("Thank you for asking for support. Priya Shah from Banbury Family Support will contact you "
                   "this week to plan an Early Help Assessment with you.")
FINAL_COMMENTS = "Mornings are calm now and both children are at school on time. Thank you, Tom."


# --- helpers ---------------------------------------------------------------------------------------------------


def heading(page, text):
    return page.get_by_role("heading", level=1, name=text)


def success(page, text) -> None:
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(text)


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def fill_date(scope, group: str, date: datetime.date) -> None:
    fieldset = scope.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(date.day))
    fieldset.get_by_label("Month").fill(str(date.month))
    fieldset.get_by_label("Year").fill(str(date.year))


def uk(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def summary_value(page, key: str):
    """The value beside `key` in the page's summary list (the episode page's status, level...)."""
    row = page.locator(".govuk-summary-list__row").filter(has=page.get_by_role("term").filter(has_text=key))
    return row.get_by_role("definition").first


def sign_in_as(page, axe, user) -> None:
    """Sign in through the real pages, waiting for a fresh security code if this user has just used one
    (a code is accepted once)."""
    user.refresh_from_db()
    while int(time.time() // 30) <= (user.totp_last_step or 0):
        time.sleep(1)
    sign_in(page, axe, user)


def sign_out(page, axe) -> None:
    menu(page).get_by_role("link", name="Sign out").click()
    expect(heading(page, "Sign out")).to_be_visible()
    axe(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(heading(page, "Sign in")).to_be_visible()
    axe(page)


def fill_scores(scope, council, score_for) -> None:
    """Every outcome area's agreed score; `score_for(index)` gives the score of the index-th area."""
    for i, area in enumerate(council.outcome_areas):
        group = scope.get_by_role("group", name=area["name"], exact=True)
        group.get_by_label("Score agreed with the family (1 to 10)").fill(str(score_for(i)))


def first_scores(i: int) -> int:
    return 3 if i % 2 == 0 else 4


def download_text(page, axe, person: str, tmp_path: Path, name: str, downloads: list[str]) -> str:
    """On a 'Download a copy for the family' page: choose who it is for, download, and read the PDF."""
    expect(heading(page, "Download a copy for the family")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Who is this copy for?").get_by_label(f"{person} (").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    downloads.append(download.url)
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    path = tmp_path / f"{name}.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def open_episode_from_family(page, axe) -> None:
    page.get_by_role("link", name="Open the Early Help record").click()
    expect(heading(page, "Early Help")).to_be_visible()
    axe(page)


def back_to_episode(page, axe) -> None:
    page.get_by_role("link", name=f"Back to Early Help for {FAMILY}").click()
    expect(heading(page, "Early Help")).to_be_visible()
    axe(page)


# --- the journey -------------------------------------------------------------------------------------------------


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


def parent_asks_for_support(page, axe) -> str:
    """1. A parent, not signed in, finds the request form from the sign-in page and sends it."""
    page.goto("/sign-in")
    expect(heading(page, "Sign in")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="ask for support online").click()
    expect(heading(page, "Ask for support for your family")).to_be_visible()
    shown = time.monotonic()
    expect(page.get_by_role("heading", name="What we record and who we share it with")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("When you agree to an Early Help Assessment (EHA), we complete "
                                                     "it with you.")
    expect(page.get_by_role("region", name="If a child is in danger now")).to_contain_text("Call 999.")
    axe(page)

    page.get_by_role("group", name="Who are you?").get_by_label("A parent or carer").check()
    page.get_by_label("Your name").fill(PARENT)
    page.get_by_label("Email address").fill(PARENT_EMAIL)
    page.get_by_label("Your relationship to the children (optional)").fill("Mother")
    page.get_by_label("Who is in your family?").fill("Me (Joanne, 37), Mia (9) and Leo (6)")
    page.get_by_label("Your address (optional)").fill("4 Canal Street\nBanbury")
    page.get_by_label("Postcode (optional)").fill("ox16 5ab")
    page.get_by_label("What would you like help with?").fill(
        "Since I started night shifts, mornings are chaos. Mia has missed a lot of school and Leo is late for "
        "nursery most days. I am also worried about money.")
    page.get_by_label("What have you tried already? (optional)").fill("An alarm clock and laying clothes out.")
    page.get_by_label("What would you like to be different? (optional)").fill("Calm mornings and the kids on time.")
    page.get_by_label("I agree to this request for support").check()
    # The form refuses a request sent within 3 seconds of the page opening (automated senders do that).
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
    page.get_by_role("button", name="Send my request").click()

    expect(heading(page, "Request sent")).to_be_visible()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Your reference")
    reference = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"RFS-\d{4}-\d{6}", reference), reference
    expect(page.get_by_role("main")).to_contain_text("We will tell you the outcome by email.")
    axe(page)
    return reference


def screener_links_and_screens_the_request(page, axe, people, reference: str) -> None:
    """2. The MASH screener links the request to a new family record and decides a plan is needed."""
    sign_in_as(page, axe, people["screener"])
    menu(page).get_by_role("link", name="Requests for support").click()
    expect(heading(page, "Requests for support and referrals")).to_be_visible()
    axe(page)
    page.get_by_role("table", name=re.compile("^Waiting for screening")).get_by_role("link", name=reference).click()
    expect(heading(page, reference)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Since I started night shifts")
    axe(page)

    # Find before create: nobody matches, so the family record is created from the request's details.
    page.get_by_role("link", name="Link to a family record").click()
    expect(heading(page, "Link the request to a family record")).to_be_visible()
    axe(page)
    search = page.locator("form").filter(has=page.get_by_role("button", name="Search"))
    search.get_by_label("Given name").fill("Joanne")
    search.get_by_label("Family name").fill("Fairweather")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No existing records match")).to_be_visible()
    axe(page)
    new = page.locator("form").filter(has=page.get_by_role("button", name="Create the family record and link it"))
    new.get_by_label("Name of the family").fill(FAMILY)
    new.get_by_role("group", name="The first person's role in the family").get_by_label(PARENT_ROLE,
                                                                                        exact=True).check()
    new.get_by_label("Given name").fill("Joanne")
    new.get_by_label("Family name").fill("Fairweather")
    new.get_by_role("button", name="Create the family record and link it").click()

    expect(heading(page, f"Screen {reference}")).to_be_visible()
    success(page, f"{FAMILY} has been created and {reference} linked to it.")
    axe(page)
    page.get_by_role("group", name="Level of need").get_by_label("Level 3: Complex").check()
    page.get_by_label("Reasons for the level of need").fill(
        "Falling school attendance, lateness and money worries across the family: needs in several areas.")
    page.get_by_role("group", name="Decision").get_by_label("An Early Help plan is needed").check()
    page.get_by_label("Main reason for Early Help (when an Early Help plan is needed)").select_option(
        label="Family in acute stress")
    page.get_by_label("Lead professional (when an Early Help plan is needed)").select_option(
        label="Priya Shah (Banbury Family Support)")
    page.get_by_label("Message to the person who asked").fill(OUTCOME_MESSAGE)
    page.get_by_role("button", name="Record the decision").click()

    expect(heading(page, "Requests for support and referrals")).to_be_visible()
    success(page, f"The decision on {reference} has been recorded: an early help plan is needed.")
    expect(page.get_by_role("table", name="Decided recently")).to_contain_text("An Early Help plan is needed (level 3)")
    axe(page)

    # The parent is emailed the outcome. Under pytest-django the email backend keeps messages in
    # django.core.mail.outbox, and the live server runs in this process, so the test can read them.
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend", settings.EMAIL_BACKEND
    to_parent = [m for m in mail.outbox if PARENT_EMAIL in m.to]
    assert len(to_parent) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert to_parent[0].subject == f"Your request for support: {reference}"
    assert OUTCOME_MESSAGE in to_parent[0].body
    assert f"Your reference is {reference}." in to_parent[0].body
    sign_out(page, axe)


def add_child(page, axe, given_name: str, dob: datetime.date, sex: str) -> None:
    page.get_by_role("link", name="Add a person").click()
    expect(heading(page, "Check whether they already have a record")).to_be_visible()
    axe(page)
    page.get_by_label("Given name").fill(given_name)
    page.get_by_label("Family name").fill("Fairweather")
    page.get_by_role("button", name="Check for existing records").click()
    expect(page.locator("#matches-heading")).to_have_text(
        re.compile(r"^(No existing records match|\d+ possible match(es)?)$"))
    axe(page)
    page.get_by_role("link", name="Create a new person record").click()
    expect(heading(page, f"Add a person to {FAMILY}")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Their role in the family").get_by_label(CHILD_ROLE, exact=True).check()
    fill_date(page, "Date of birth", dob)
    page.get_by_role("group", name="Sex", exact=True).get_by_label(sex, exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(heading(page, FAMILY)).to_be_visible()
    success(page, f"{given_name} Fairweather has been added to {FAMILY}.")
    axe(page)


def lead_assesses_the_family(page, axe, council, people) -> None:
    """3. The lead professional finds the family, adds the children and completes the assessment."""
    sign_in_as(page, axe, people["lead"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    expect(heading(page, FAMILY)).to_be_visible()
    expect(summary_value(page, "Status")).to_have_text("Assessment")
    expect(summary_value(page, "Lead professional")).to_have_text("Priya Shah, Banbury Family Support")
    axe(page)
    for given_name, dob, sex in CHILDREN:
        add_child(page, axe, given_name, dob, sex)
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(3)

    open_episode_from_family(page, axe)
    expect(summary_value(page, "Level of need")).to_have_text("Level 3: Complex")
    page.get_by_role("button", name="Start the Early Help Assessment").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    success(page, "The Early Help Assessment has been started.")
    axe(page)

    # The family's background: facts apart from views.
    page.get_by_role("link", name="Change Family background and reason for the assessment").click()
    expect(heading(page, "Family background and reason for the assessment")).to_be_visible()
    axe(page)
    page.get_by_label("Facts (what has happened, what people said)").fill(BACKGROUND_FACTS)
    page.get_by_label("Views and professional judgement").fill(BACKGROUND_VIEWS)
    page.get_by_role("button", name="Save").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    expect(page.locator("#section-background")).to_contain_text(BACKGROUND_FACTS)
    axe(page)

    # Each child's view, gathered in a different way.
    views = {"Mia": ("Three Houses", "In my house of worries: being late and the teacher cross with me."),
             "Leo": ("Wishes and Feelings", "I wish mummy could take me to nursery every day.")}
    for given_name, (method, words) in views.items():
        page.get_by_role("link", name=f"Change {given_name} Fairweather's view").click()
        expect(heading(page, f"{given_name} Fairweather's view")).to_be_visible()
        axe(page)
        page.get_by_role("group", name="How was the child's view gathered?").get_by_label(method, exact=True).check()
        page.get_by_label("In the child's own words (or what they showed or drew)").fill(words)
        page.get_by_label("What the practitioner makes of it").fill(f"{given_name} wants calmer mornings.")
        page.get_by_role("button", name="Save").click()
        expect(heading(page, "Early Help Assessment")).to_be_visible()
        success(page, f"{given_name} Fairweather's view has been saved.")
        axe(page)
    children = page.locator("#children")
    expect(children).to_contain_text("How their view was gathered: Three Houses.")
    expect(children).to_contain_text("How their view was gathered: Wishes and Feelings.")

    # The outcome scores, taken with the family.
    page.get_by_role("link", name="Record the outcome scores").click()
    expect(heading(page, "Outcome scores for the assessment")).to_be_visible()
    axe(page)
    fill_scores(page, council, first_scores)
    page.get_by_role("button", name="Save the scores").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    success(page, "The outcome scores have been recorded.")
    first_area = council.outcome_areas[0]["name"]
    expect(page.get_by_role("table", name=re.compile("^Scores taken with the family")).get_by_role(
        "row", name=re.compile(f"^{first_area}"))).to_contain_text("3")
    axe(page)

    page.get_by_role("link", name="Complete the assessment").click()
    expect(heading(page, "Complete the assessment")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Complete the assessment").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    expect(page.locator("#assessment-status")).to_have_text("Completed")
    axe(page)
    back_to_episode(page, axe)


def lead_agrees_the_plan(page, axe, today: datetime.date) -> None:
    """4. The Team Around the Family meeting: arranged, the plan's outcome and action added, recorded."""
    page.get_by_role("link", name="Arrange a meeting").click()
    expect(heading(page, "Arrange a meeting")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Kind of meeting").get_by_label("Team Around the Family meeting").check()
    fill_date(page, "Date of the meeting", today)
    page.get_by_label("Time").fill("9:30am")
    page.get_by_label("Where the meeting will be held").fill("Banbury Family Hub, meeting room 2")
    page.get_by_role("group", name="Family members").get_by_label(PARENT).check()
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    expect(heading(page, "Team Around the Family meeting")).to_be_visible()
    success(page, "The meeting has been arranged and the invitations have been sent.")
    axe(page)

    # The outcome and the action agreed at the meeting go on the plan.
    page.get_by_role("link", name="Add an outcome").click()
    expect(heading(page, "Add an outcome to the plan")).to_be_visible()
    axe(page)
    page.get_by_label("What the family wants to achieve").fill(OUTCOME)
    page.get_by_label("Outcome area (optional)").select_option(label="Family routine")
    page.get_by_role("button", name="Add the outcome").click()
    expect(heading(page, "Team Around the Family meeting")).to_be_visible()
    success(page, "The outcome has been added to the plan.")
    axe(page)
    page.get_by_role("link", name="Add an action").click()
    expect(heading(page, "Add an action to the plan")).to_be_visible()
    axe(page)
    page.get_by_label("What will be done").fill(ACTION)
    page.get_by_label("Which outcome it works towards (optional)").select_option(label=OUTCOME)
    page.get_by_label("A practitioner").select_option(label="Priya Shah, Banbury Family Support")
    fill_date(page, "Done by", today + datetime.timedelta(days=14))
    page.get_by_role("button", name="Add the action").click()
    expect(heading(page, "Team Around the Family meeting")).to_be_visible()
    success(page, "The action has been added to the plan.")
    axe(page)

    page.get_by_role("link", name="Record the meeting").click()
    expect(heading(page, "Record the meeting")).to_be_visible()
    axe(page)
    attended = page.get_by_label("Attended", exact=True)
    for i in range(attended.count()):
        attended.nth(i).check()
    page.get_by_label("The family's views").fill("Joanne says mornings are the hardest part of the day.")
    page.get_by_label(re.compile("Mia Fairweather.*their views")).fill("Mia wants to be on time for registration.")
    page.get_by_label(re.compile("Leo Fairweather.*their views")).fill("Leo likes walking to nursery.")
    page.get_by_label("Strengths", exact=True).fill("A warm, loving family; Joanne asked for help herself.")
    page.get_by_label("Needs", exact=True).fill("Morning routines; help with money.")
    page.get_by_label("Minutes").fill("We agreed a morning routine chart and a referral to the money advice service.")
    page.get_by_label("Lead professional agreed at the meeting").select_option(
        label="Priya Shah, Banbury Family Support")
    next_review = today + datetime.timedelta(days=28)
    fill_date(page, "Date of the next review", next_review)
    page.get_by_role("button", name="Save the record").click()
    expect(heading(page, "Team Around the Family meeting")).to_be_visible()
    success(page, "The meeting has been recorded. The plan has been agreed and is now active.")
    expect(page.locator("#minutes")).to_contain_text("morning routine chart")
    axe(page)

    back_to_episode(page, axe)
    expect(summary_value(page, "Status")).to_have_text("Plan in place")
    expect(summary_value(page, "Next review")).to_have_text(uk(next_review))
    expect(page.get_by_role("table", name=re.compile("^Open actions"))).to_contain_text(ACTION)


def record_review(page, axe, council, today: datetime.date, score: int, summary: str) -> None:
    page.get_by_role("link", name="Record a review").click()
    expect(heading(page, "Review the plan")).to_be_visible()
    axe(page)
    fill_date(page, "Date of the review", today)
    page.get_by_label("Summary", exact=True).fill(summary)
    page.get_by_label("The family's views").fill("Joanne says things are getting easier.")
    page.get_by_role("group", name=OUTCOME).get_by_label("Partly met").check()
    fill_scores(page, council, lambda i: score)
    page.get_by_role("group", name="What happens next").get_by_label("Continue the plan").check()
    fill_date(page, "Date of the next review", today + datetime.timedelta(days=42))
    page.get_by_role("button", name="Save the review").click()
    expect(heading(page, f"Review on {uk(today)}")).to_be_visible()
    success(page, "The review has been recorded.")
    expect(summary_value(page, "Decision")).to_have_text("Continue the plan")
    axe(page)
    back_to_episode(page, axe)


def lead_reviews_the_plan(page, axe, council, today: datetime.date) -> None:
    """5. Two reviews with improving scores; the outcomes page shows the distance travelled."""
    record_review(page, axe, council, today, 5, "Mia has been on time on most days; the chart is working.")
    record_review(page, axe, council, today, 7, "Mia and Leo have been on time every day for three weeks.")
    expect(page.locator("#plan-panel-reviews li")).to_have_count(2)

    page.get_by_role("link", name="All outcome scores and progress by area").click()
    expect(heading(page, "Outcome scores")).to_be_visible()
    axe(page)
    table = page.get_by_role("table", name=re.compile(r"^Outcome scores: first and latest, by area \(the data in "
                                                      r"the star chart\)"))
    expect(page.locator("svg[role='img']").first).to_be_visible()
    for i, area in enumerate(council.outcome_areas[:2]):
        first = first_scores(i)
        row = table.get_by_role("row", name=re.compile(f"^{area['name']}"))
        expect(row.get_by_role("cell")).to_have_text([str(first), "7", f"Up {7 - first}"])
    page.get_by_role("link", name=FAMILY).click()
    expect(heading(page, "Early Help")).to_be_visible()
    axe(page)


def lead_downloads_the_family_copies(page, axe, council, tmp_path: Path, downloads: list[str]) -> None:
    """6. PDF copies for the family of the assessment, the plan and a review, in plain English."""
    page.get_by_role("link", name="Open the assessment").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Make a copy for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "assessment", downloads)
    for expected in ("Mia Fairweather", "Leo Fairweather", BACKGROUND_FACTS, BACKGROUND_VIEWS, "Three Houses",
                     "Wishes and Feelings", council.outcome_areas[0]["name"]):
        assert expected in text, f"{expected!r} is not in the assessment copy: {text[:2000]}"
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    expect(heading(page, FAMILY)).to_be_visible()
    axe(page)
    open_episode_from_family(page, axe)

    page.get_by_role("link", name="See the whole plan and add outcomes and actions").click()
    expect(heading(page, "Early Help plan")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Make a copy of the plan for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "plan", downloads)
    for expected in (OUTCOME, ACTION, "Priya Shah"):
        assert expected in text, f"{expected!r} is not in the plan copy: {text[:2000]}"
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    expect(heading(page, FAMILY)).to_be_visible()
    axe(page)
    open_episode_from_family(page, axe)

    page.locator("#plan-panel-reviews").get_by_role("link").first.click()  # the latest review is listed first
    expect(heading(page, re.compile("^Review on "))).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Make a copy of this review for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "review", downloads)
    for expected in ("Continue the plan", "Mia and Leo have been on time every day", OUTCOME, "Partly met",
                     council.outcome_areas[0]["name"]):
        assert expected in text, f"{expected!r} is not in the review copy: {text[:2000]}"
    assert re.search(rf"{re.escape(council.outcome_areas[0]['name'])} 3 7 Up 4", text), text[:2000]
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    expect(heading(page, FAMILY)).to_be_visible()
    axe(page)
    open_episode_from_family(page, axe)


def family_is_stepped_up_and_early_help_closes(page, axe, people) -> None:
    """7. Step up to MASH without consent; MASH starts a social-work assessment; Early Help closes."""
    page.get_by_role("link", name="Step up to MASH").click()
    expect(heading(page, "Step up to MASH")).to_be_visible()
    axe(page)
    page.get_by_label("Why are you referring the family to MASH?").fill(
        "Mia told her teacher that mum's new partner hit Leo. Bruising seen on Leo's arm at nursery today.")
    page.get_by_label("What has the plan tried so far?").fill("A morning routine chart and money advice.")
    page.get_by_role("group", name="Did you seek the family's consent to this referral?").get_by_label(
        "No", exact=True).check()
    page.get_by_label("If not, why not?").fill("Seeking consent would increase the risk to the children.")
    page.get_by_role("button", name="Send the referral to MASH").click()
    expect(heading(page, "Early Help")).to_be_visible()
    success(page, "The family has been referred to MASH. The reference is ")
    expect(summary_value(page, "Status")).to_have_text("Stepped up: waiting for MASH")
    step_up_reference = re.search(r"RFS-\d{4}-\d{6}", page.locator(".govuk-notification-banner--success")
                                  .inner_text()).group(0)
    axe(page)
    sign_out(page, axe)

    sign_in_as(page, axe, people["screener"])
    menu(page).get_by_role("link", name="Requests for support").click()
    expect(heading(page, "Requests for support and referrals")).to_be_visible()
    axe(page)
    page.get_by_role("table", name=re.compile("^Waiting for screening")).get_by_role(
        "link", name=step_up_reference).click()
    expect(heading(page, step_up_reference)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Seeking consent would increase the risk to the children.")
    axe(page)
    page.get_by_role("link", name="Screen this referral").click()
    expect(heading(page, f"Screen {step_up_reference}")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Level of need").get_by_label("Level 4: Critical").check()
    page.get_by_label("Reasons for the level of need").fill("An allegation of physical harm to a young child.")
    page.get_by_role("group", name="Decision").get_by_label("A social-work (single) assessment").check()
    page.get_by_label("Message to the person who asked").fill(
        "A social worker will start a single assessment today. Please keep Early Help going meanwhile.")
    page.get_by_role("button", name="Record the decision").click()
    expect(heading(page, "Requests for support and referrals")).to_be_visible()
    success(page, f"The decision on {step_up_reference} has been recorded: a social-work (single) assessment.")
    axe(page)
    sign_out(page, axe)

    sign_in_as(page, axe, people["lead"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    expect(heading(page, FAMILY)).to_be_visible()
    axe(page)
    open_episode_from_family(page, axe)
    expect(summary_value(page, "Status")).to_have_text("Social-work assessment under way (Early Help continues)")
    expect(summary_value(page, "Level of need")).to_have_text("Level 4: Critical")
    page.get_by_role("link", name="Close Early Help").click()
    expect(heading(page, "Close Early Help")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Why is Early Help closing?").get_by_label(
        re.compile("needs support from statutory services")).check()
    open_actions = page.get_by_role("group", name="What should happen to the open actions?")
    if open_actions.count():
        open_actions.get_by_label("Pass them to universal or another service").check()
    page.get_by_label("More detail").fill("Children's social care has started a single assessment.")
    page.get_by_role("button", name="Close Early Help").click()
    expect(heading(page, "Early Help (closed)")).to_be_visible()
    success(page, "Early Help has been closed for this family.")
    expect(summary_value(page, "Closed")).to_contain_text("needs support from statutory services")
    axe(page)
    sign_out(page, axe)


def social_worker_steps_the_family_down(page, axe, people, today: datetime.date) -> None:
    """8. When the Child in Need plan ends, the social worker steps the family down to a new lead."""
    # Children's social care allocates its social workers in its own system; Hearth records the allocation as
    # an involvement, as the demo data does.
    family = Family.objects.get(name=FAMILY)
    access_services.involvement_start(actor=people["social_worker"], family=family, user=people["social_worker"],
                                      relationship=InvolvedAs.SOCIAL_WORK)

    sign_in_as(page, axe, people["social_worker"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    expect(heading(page, FAMILY)).to_be_visible()
    expect(page.locator("#past-episodes")).to_contain_text("needs support from statutory services")
    axe(page)
    page.get_by_role("link", name="Step down from social care").click()
    expect(heading(page, "Step down to Early Help")).to_be_visible()
    axe(page)
    page.get_by_label("New lead professional").select_option(label="Tom Reed (Cherwell Family Hub)")
    page.get_by_role("group", name="Level of need").get_by_label("Level 2: Vulnerable").check()
    page.get_by_label("Main reason for Early Help").select_option(label="Family in acute stress")
    ended = today - datetime.timedelta(days=2)
    fill_date(page, "Date the Child in Need plan ended", ended)
    page.get_by_label("The single assessment").fill("Single assessment: the allegation was not substantiated. "
                                                    "Mum's partner has left the home.")
    page.get_by_label("The Child in Need plan").fill("Keep the morning routine going; money advice continues.")
    page.get_by_role("button", name="Step down to Early Help").click()

    expect(heading(page, "Early Help")).to_be_visible()
    success(page, f"{FAMILY} has been stepped down to Early Help. Tom Reed is the lead professional.")
    expect(summary_value(page, "Status")).to_have_text("Plan in place")
    expect(summary_value(page, "Level of need")).to_have_text("Level 2: Vulnerable")
    expect(summary_value(page, "Lead professional")).to_contain_text("Tom Reed, Cherwell Family Hub")
    expect(summary_value(page, "Next review")).to_have_text(uk(today + datetime.timedelta(weeks=6)))
    expect(page.locator("#referrals-panel")).to_contain_text(uk(ended))
    axe(page)
    sign_out(page, axe)


def new_lead_closes_early_help(page, axe, people) -> None:
    """9. The new lead professional closes Early Help: outcomes achieved, in the family's words."""
    sign_in_as(page, axe, people["new_lead"])
    page.get_by_role("table", name="Families you work with").get_by_role("link", name=FAMILY).click()
    expect(heading(page, FAMILY)).to_be_visible()
    axe(page)
    open_episode_from_family(page, axe)
    page.get_by_role("link", name="Close Early Help").click()
    expect(heading(page, "Close Early Help")).to_be_visible()
    axe(page)
    page.get_by_role("group", name="Why is Early Help closing?").get_by_label(
        "Desired outcomes have been achieved").check()
    page.get_by_label("The family's final comments").fill(FINAL_COMMENTS)
    page.get_by_role("group", name="How helpful did the family find Early Help?").get_by_label(
        "Very helpful", exact=True).check()
    page.get_by_label("Evaluation: what worked and what did not").fill(
        "The routine chart worked; the money advice took too long to start.")
    page.get_by_role("button", name="Close Early Help").click()

    expect(heading(page, "Early Help (closed)")).to_be_visible()
    success(page, "Early Help has been closed for this family.")
    expect(summary_value(page, "Status")).to_have_text("Closed")
    expect(summary_value(page, "Closed")).to_contain_text("Desired outcomes have been achieved")
    expect(summary_value(page, "The family's final comments")).to_have_text(FINAL_COMMENTS)
    expect(summary_value(page, "Evaluation")).to_contain_text("Rated 5 out of 5.")
    axe(page)
