"""What the journey's steps share: the family's details as typed in, and steps on the pages they all use."""

import datetime
import io
import re
import time
from pathlib import Path

from pypdf import PdfReader

from ..conftest import sign_in
from ..pages import arrive

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


def fill_scores(scope, council, score_for) -> None:
    """Every outcome area's agreed score; `score_for(index)` gives the score of the index-th area."""
    for i, area in enumerate(council.outcome_areas):
        group = scope.get_by_role("group", name=area["name"], exact=True)
        group.get_by_label("Score agreed with the family (1 to 10)").fill(str(score_for(i)))


def first_scores(i: int) -> int:
    return 3 if i % 2 == 0 else 4


def download_text(page, axe, person: str, tmp_path: Path, name: str, downloads: list[str]) -> str:
    """On a 'Download a copy for the family' page: choose who it is for, download, and read the PDF."""
    arrive(page, axe, "Download a copy for the family")
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
    arrive(page, axe, "Early Help")


def back_to_episode(page, axe) -> None:
    page.get_by_role("link", name=f"Back to Early Help for {FAMILY}").click()
    arrive(page, axe, "Early Help")
