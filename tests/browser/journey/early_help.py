"""3 to 6: the lead professional adds the children, completes the Early Help Assessment, holds the Team Around
the Family meeting that agrees the plan, reviews it twice and downloads the family's copies."""

import datetime
import re
from pathlib import Path

from playwright.sync_api import expect

from ..pages import arrive, fill_date, heading, success
from .common import (
    ACTION,
    BACKGROUND_FACTS,
    BACKGROUND_VIEWS,
    CHILD_ROLE,
    CHILDREN,
    FAMILY,
    OUTCOME,
    PARENT,
    back_to_episode,
    download_text,
    fill_scores,
    first_scores,
    open_episode_from_family,
    sign_in_as,
    summary_value,
    uk,
)


def add_child(page, axe, given_name: str, dob: datetime.date, sex: str) -> None:
    page.get_by_role("link", name="Add a person").click()
    arrive(page, axe, "Check whether they already have a record")
    page.get_by_label("Given name").fill(given_name)
    page.get_by_label("Family name").fill("Fairweather")
    page.get_by_role("button", name="Check for existing records").click()
    expect(page.locator("#matches-heading")).to_have_text(
        re.compile(r"^(No existing records match|\d+ possible match(es)?)$"))
    axe(page)
    page.get_by_role("link", name="Create a new person record").click()
    arrive(page, axe, f"Add a person to {FAMILY}")
    page.get_by_role("group", name="Their role in the family").get_by_label(CHILD_ROLE, exact=True).check()
    fill_date(page, "Date of birth", dob)
    page.get_by_role("group", name="Sex", exact=True).get_by_label(sex, exact=True).check()
    page.get_by_role("button", name="Save").click()
    arrive(page, axe, FAMILY, f"{given_name} Fairweather has been added to {FAMILY}.")


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
    arrive(page, axe, "Early Help Assessment", "The Early Help Assessment has been started.")

    # The family's background: facts apart from views.
    page.get_by_role("link", name="Change Family background and reason for the assessment").click()
    arrive(page, axe, "Family background and reason for the assessment")
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
        arrive(page, axe, f"{given_name} Fairweather's view")
        page.get_by_role("group", name="How was the child's view gathered?").get_by_label(method, exact=True).check()
        page.get_by_label("In the child's own words (or what they showed or drew)").fill(words)
        page.get_by_label("What the practitioner makes of it").fill(f"{given_name} wants calmer mornings.")
        page.get_by_role("button", name="Save").click()
        arrive(page, axe, "Early Help Assessment", f"{given_name} Fairweather's view has been saved.")
    children = page.locator("#children")
    expect(children).to_contain_text("How their view was gathered: Three Houses.")
    expect(children).to_contain_text("How their view was gathered: Wishes and Feelings.")

    # The outcome scores, taken with the family.
    page.get_by_role("link", name="Record the outcome scores").click()
    arrive(page, axe, "Outcome scores for the assessment")
    fill_scores(page, council, first_scores)
    page.get_by_role("button", name="Save the scores").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    success(page, "The outcome scores have been recorded.")
    first_area = council.outcome_areas[0]["name"]
    expect(page.get_by_role("table", name=re.compile("^Scores taken with the family")).get_by_role(
        "row", name=re.compile(f"^{first_area}"))).to_contain_text("3")
    axe(page)

    page.get_by_role("link", name="Complete the assessment").click()
    arrive(page, axe, "Complete the assessment")
    page.get_by_role("button", name="Complete the assessment").click()
    expect(heading(page, "Early Help Assessment")).to_be_visible()
    expect(page.locator("#assessment-status")).to_have_text("Completed")
    axe(page)
    back_to_episode(page, axe)


def lead_agrees_the_plan(page, axe, today: datetime.date) -> None:
    """4. The Team Around the Family meeting: arranged, the plan's outcome and action added, recorded."""
    page.get_by_role("link", name="Arrange a meeting").click()
    arrive(page, axe, "Arrange a meeting")
    page.get_by_role("group", name="Kind of meeting").get_by_label("Team Around the Family meeting").check()
    fill_date(page, "Date of the meeting", today)
    page.get_by_label("Time").fill("9:30am")
    page.get_by_label("Where the meeting will be held").fill("Banbury Family Hub, meeting room 2")
    page.get_by_role("group", name="Family members").get_by_label(PARENT).check()
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    arrive(page, axe, "Team Around the Family meeting",
           "The meeting has been arranged and the invitations have been sent.")

    # The outcome and the action agreed at the meeting go on the plan.
    page.get_by_role("link", name="Add an outcome").click()
    arrive(page, axe, "Add an outcome to the plan")
    page.get_by_label("What the family wants to achieve").fill(OUTCOME)
    page.get_by_label("Outcome area (optional)").select_option(label="Family routine")
    page.get_by_role("button", name="Add the outcome").click()
    arrive(page, axe, "Team Around the Family meeting", "The outcome has been added to the plan.")
    page.get_by_role("link", name="Add an action").click()
    arrive(page, axe, "Add an action to the plan")
    page.get_by_label("What will be done").fill(ACTION)
    page.get_by_label("Which outcome it works towards (optional)").select_option(label=OUTCOME)
    page.get_by_label("A practitioner").select_option(label="Priya Shah, Banbury Family Support")
    fill_date(page, "Done by", today + datetime.timedelta(days=14))
    page.get_by_role("button", name="Add the action").click()
    arrive(page, axe, "Team Around the Family meeting", "The action has been added to the plan.")

    page.get_by_role("link", name="Record the meeting").click()
    arrive(page, axe, "Record the meeting")
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
    arrive(page, axe, "Review the plan")
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
    arrive(page, axe, "Outcome scores")
    table = page.get_by_role("table", name=re.compile(r"^Outcome scores: first and latest, by area \(the data in "
                                                      r"the star chart\)"))
    expect(page.locator("svg[role='img']").first).to_be_visible()
    for i, area in enumerate(council.outcome_areas[:2]):
        first = first_scores(i)
        row = table.get_by_role("row", name=re.compile(f"^{area['name']}"))
        expect(row.get_by_role("cell")).to_have_text([str(first), "7", f"Up {7 - first}"])
    page.get_by_role("link", name=FAMILY).click()
    arrive(page, axe, "Early Help")


def lead_downloads_the_family_copies(page, axe, council, tmp_path: Path, downloads: list[str]) -> None:
    """6. PDF copies for the family of the assessment, the plan and a review, in plain English."""
    page.get_by_role("link", name="Open the assessment").click()
    arrive(page, axe, "Early Help Assessment")
    page.get_by_role("link", name="Make a copy for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "assessment", downloads)
    for expected in ("Mia Fairweather", "Leo Fairweather", BACKGROUND_FACTS, BACKGROUND_VIEWS, "Three Houses",
                     "Wishes and Feelings", council.outcome_areas[0]["name"]):
        assert expected in text, f"{expected!r} is not in the assessment copy: {text[:2000]}"
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    arrive(page, axe, FAMILY)
    open_episode_from_family(page, axe)

    page.get_by_role("link", name="See the whole plan and add outcomes and actions").click()
    arrive(page, axe, "Early Help plan")
    page.get_by_role("link", name="Make a copy of the plan for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "plan", downloads)
    for expected in (OUTCOME, ACTION, "Priya Shah"):
        assert expected in text, f"{expected!r} is not in the plan copy: {text[:2000]}"
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    arrive(page, axe, FAMILY)
    open_episode_from_family(page, axe)

    page.locator("#plan-panel-reviews").get_by_role("link").first.click()  # the latest review is listed first
    arrive(page, axe, re.compile("^Review on "))
    page.get_by_role("link", name="Make a copy of this review for the family (PDF)").click()
    text = download_text(page, axe, PARENT, tmp_path, "review", downloads)
    for expected in ("Continue the plan", "Mia and Leo have been on time every day", OUTCOME, "Partly met",
                     council.outcome_areas[0]["name"]):
        assert expected in text, f"{expected!r} is not in the review copy: {text[:2000]}"
    assert re.search(rf"{re.escape(council.outcome_areas[0]['name'])} 3 7 Up 4", text), text[:2000]
    page.get_by_role("link", name=f"Back to {FAMILY}").click()
    arrive(page, axe, FAMILY)
    open_episode_from_family(page, axe)
