"""A person recorded twice, as the batch de-duplication found them: the data protection officer opens the pair from
the queue, compares the two records, chooses what the one that stays keeps, merges them, sees who was told, and
undoes it. Every page is checked with axe, at 1280 and 320 pixels wide."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus, RunStatus
from hearth.families import services as people_services
from hearth.merges.models import Merge
from hearth.people.models import FamilyMember, Sex
from tests.queue import run_jobs

from .conftest import sign_in
from .pages import arrive, click, errors

pytestmark = pytest.mark.browser


@pytest.fixture
def found_twice(testwood, other_practitioner, dpo):
    """Jo Testwood recorded again by another agency, with a typo and her phone number, found by a run."""
    family = people_services.family_create(actor=other_practitioner, name="The Second family")
    again = people_services.person_create(actor=other_practitioner, family=family, role="parent_pr", data={
        "given_name": "Joe", "family_name": "Testwood", "sex": Sex.FEMALE, "date_of_birth": datetime.date(1988, 2, 14),
        "phone": "07700 900222"})
    mum = testwood["mum"]
    run = DuplicateRun.objects.create(council=mum.council, started_by=dpo, people=2, pairs=1,
                                      status=RunStatus.FINISHED)
    low, high = sorted([mum, again], key=lambda p: p.pk)
    DuplicatePair.objects.create(run=run, council=mum.council, person_a=low, person_b=high, match_weight=14.2,
                                 probability=0.9999, evidence=[{"for": True, "reason": "same date of birth"}])
    return {**testwood, "again": again}


@pytest.mark.parametrize("width", [1280, 320])
def test_a_pair_from_the_queue_is_compared_merged_and_unmerged(page, axe, dpo, found_twice, width):
    page.set_viewport_size({"width": width, "height": 900})
    mum, again = found_twice["mum"], found_twice["again"]
    mail.outbox.clear()
    sign_in(page, axe, dpo)
    page.goto(reverse("dpo:home"))  # the menu folds away at 320 pixels
    arrive(page, axe, "Data protection")
    click(page, "People who may be recorded twice")
    arrive(page, axe, "People who may be recorded twice")
    page.locator(".govuk-summary-card").filter(has_text="Jo Testwood").get_by_role("link").first.click()
    arrive(page, axe, "Are these the same person?")
    click(page, "Compare and merge")
    arrive(page, axe, "Compare two records before merging them")
    main = page.get_by_role("main")
    expect(main).to_contain_text("07700 900222")

    page.get_by_role("button", name="Merge the records").click()
    errors(page, "Say why these two records are the same person")
    axe(page)
    first_is_mum = mum.pk < again.pk
    page.get_by_role("group", name="Which record stays").get_by_label(
        "The first record" if first_is_mum else "The second record").check()
    page.get_by_role("group", name="Given name").get_by_label("Jo", exact=True).check()
    page.get_by_role("group", name="Phone number").get_by_label("07700 900222").check()
    page.get_by_label("Why are these two records the same person?").fill("Same date of birth; the GP confirmed")
    page.get_by_role("button", name="Merge the records").click()
    arrive(page, axe, f"Merge {Merge.objects.get().pk}", "The records have been merged into Jo Testwood's record")
    told = page.locator("#recipients tr", has_text="Bridge Surgery")
    expect(told).to_contain_text("practice@bridge.example.test")
    expect(told).to_contain_text("Told")
    expect(told).to_contain_text("told by email")
    run_jobs()
    assert [m.to for m in mail.outbox] == [["practice@bridge.example.test"]]
    assert FamilyMember.objects.filter(person=mum).count() == 2
    assert DuplicatePair.objects.get().status == PairStatus.MERGED

    page.get_by_role("button", name="Undo the merge").click()
    errors(page, "Say why these records are two people after all")
    axe(page)
    page.get_by_label("Why are these two people after all?").fill("The GP wrote again: two people")
    page.get_by_role("button", name="Undo the merge").click()
    arrive(page, axe, f"Merge {Merge.objects.get().pk}", "The two records have been separated again")
    expect(page.get_by_role("main")).to_contain_text("Undone on")
    expect(page.locator("#recipients")).to_contain_text("Told of the unmerge")
    expect(page.locator("#recipients tr", has_text="Bridge Surgery")).to_contain_text("Unmerge of two records")
    assert FamilyMember.objects.filter(person=mum).count() == 1
    assert FamilyMember.objects.filter(person=again).count() == 1
