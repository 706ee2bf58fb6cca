"""How the copies read on paper: a chart never on a different page from its heading, long words wrapped, and a
value that was not recorded left out rather than printed as "Not recorded"."""

import pytest

from hearth.assessments.models import ChildView, Section, SectionKey
from hearth.cases.models import CaseNote
from hearth.documents import copies
from hearth.plans.models import OutcomeProgress
from tests.assertions import assert_says
from tests.documents.helpers import figures_and_their_headings, read_pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lines", [8, 24, 40, 56])
def test_the_outcome_star_is_on_the_same_page_as_its_heading(journey, practitioner, lines):
    """A longer or shorter summary moves the chart down the pages: one of these lengths (between them they cover a
    page) puts its heading at the foot of a page, where the chart would not fit under it."""
    journey.review.summary = "\n".join(f"Line {n} of the summary." for n in range(1, lines + 1))
    journey.review.save()
    pdf = read_pdf(copies.review_pdf(practitioner, journey.review))
    charts = [(heading, figure) for heading, figure, alt in figures_and_their_headings(pdf)
              if alt.startswith("Outcome star")]
    assert len(charts) == 1
    heading_page, chart_page = charts[0]
    assert heading_page == chart_page


def test_the_genogram_is_on_the_same_page_as_its_heading(journey, practitioner):
    pdf = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral))
    charts = [(heading, figure) for heading, figure, alt in figures_and_their_headings(pdf) if alt != ""]
    assert charts and all(heading == figure for heading, figure in charts)


def test_a_long_word_wraps_inside_the_page_and_is_all_there(journey, practitioner):
    word = "Pastedlinkwithoutspaces" * 12  # 276 letters: wider than the page
    Section.objects.filter(assessment=journey.assessment, key=SectionKey.NEEDS).update(facts=f"See {word} for more.")
    text = read_pdf(copies.assessment_pdf(practitioner, journey.assessment)).text
    assert word not in text  # broken across lines ...
    assert word in text.replace(" ", "")  # ... with nothing lost


@pytest.fixture
def gaps(journey, practitioner):
    """The journey with values left unrecorded: a section with nothing written, a section with facts only, a child's
    view heard in no recorded way, a member with no date of birth or address, no phone number for the lead, a note
    with no author, a review with no summary, a progress with no comment, a referrer with no phone or email."""
    Section.objects.filter(assessment=journey.assessment, key=SectionKey.BACKGROUND).update(facts="", opinions="")
    Section.objects.filter(assessment=journey.assessment, key=SectionKey.PARENTS_VIEW).update(opinions="  ")
    ChildView.objects.filter(child=journey.max).update(method="", worker_reflection="")
    journey.ruby.date_of_birth = None
    journey.ruby.save()
    journey.assessment.started_by = None
    journey.assessment.save()
    practitioner.phone = ""
    practitioner.save()
    practitioner.agency.phone = ""
    practitioner.agency.save()
    CaseNote.objects.filter(summary="First home visit with Jo").update(author=None)
    journey.review.summary = ""
    journey.review.family_views = ""
    journey.review.save()
    OutcomeProgress.objects.filter(review=journey.review).update(comment="")
    journey.referral.requester_phone = ""
    journey.referral.requester_email = ""
    journey.referral.save()
    return journey


@pytest.mark.parametrize("make_pdf", [
    lambda user, j: copies.assessment_pdf(user, j.assessment),
    lambda user, j: copies.plan_pdf(user, j.episode),
    lambda user, j: copies.review_pdf(user, j.review),
    lambda user, j: copies.step_up_bundle_pdf(user, j.referral),
    lambda user, j: copies.chronology_pdf(user, j.family),
], ids=["assessment", "plan", "review", "step_up_bundle", "chronology"])
def test_no_copy_prints_not_recorded(gaps, practitioner, make_pdf):
    text = read_pdf(make_pdf(practitioner, gaps)).text
    for filler in ("Not recorded", "Not known", "Not given", "None", "Nothing was written here",
                   "No facts were written here", "No views or opinions were written here"):
        assert filler not in text, filler


def test_the_assessment_leaves_out_what_was_not_recorded_and_says_when_a_section_is_empty(gaps, practitioner):
    text = read_pdf(copies.assessment_pdf(practitioner, gaps.assessment)).text
    # The empty section keeps its heading, saying nothing is recorded; the next section shows only its facts.
    assert_says(text, "Family background and reason for the assessment Nothing recorded yet. Parents' and carers' "
                "view Facts Jo says mornings are the hardest part of the day.")
    # "Views and opinions" heads only the parts with views written: one professional's and the last three sections.
    assert text.count("Views and opinions") == 4
    # Max's view: what he said, with no line for how it was heard or for the worker's reflection.
    assert_says(text, "Max Testfamily In their own words I like playing football with Dad. Professional views",
                "How we heard their view: Wizards and Fairies.")
    assert text.count("How we heard their view") == 1
    assert text.count("What the worker thinks") == 1
    assert "It was started on 3 March 2025 and completed on 3 March 2025 by Pat Practitioner, Hill School." in text


def test_the_plan_leaves_out_a_phone_number_it_does_not_have(gaps, practitioner):
    text = read_pdf(copies.plan_pdf(practitioner, gaps.episode)).text
    assert "Phone" not in text
    assert "Email: hill.school@example.test" in text


def test_the_review_says_nothing_is_recorded_for_an_empty_summary(gaps, practitioner):
    text = read_pdf(copies.review_pdf(practitioner, gaps.review)).text
    assert "Summary of the review Nothing recorded yet. Progress with each outcome" in text
    assert "What the family said" not in text
