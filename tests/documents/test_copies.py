import pytest

from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import NotPermitted
from hearth.documents import copies
from hearth.plans import corrections
from hearth.referrals.models import Referral, Urgency
from tests.assertions import assert_says
from tests.documents.helpers import assert_accessible, embedded_fonts, heading_levels, read_pdf, struct_types

pytestmark = pytest.mark.django_db


def assert_headings_in_order(pdf):
    levels = heading_levels(pdf)
    assert levels and levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels


def checked_copy(data: bytes, title: str):
    """The copy read back, once it is checked to be accessible, titled `title`, with its headings in order."""
    pdf = read_pdf(data)
    assert_accessible(pdf, title)
    assert_headings_in_order(pdf)
    return pdf


def test_the_assessment_copy_has_every_part_in_plain_english(journey, practitioner):
    text = checked_copy(copies.assessment_pdf(practitioner, journey.assessment),
                        "Early Help Assessment (EHA): The Testfamily family").text
    assert "This is a copy of your family's Early Help Assessment" in text
    # The family, with dates of birth.
    for name, born in [("Jo Testfamily", "14 February 1988"), ("Lee Testfamily", "1 July 1985"),
                       ("Max Testfamily", "1 May 2015"), ("Ruby Testfamily", "23 September 2018")]:
        assert name in text and born in text
    # Every section, facts and views labelled apart.
    for words in ["Family background and reason for the assessment",
                  "Jo and the children moved to Banbury last spring.", "Jo feels alone since the move.",
                  "Jo says mornings are the hardest part of the day.",
                  "The children are close to their grandmother.", "Max has missed 14 school days this term.",
                  "How will we know we've been successful?", "Max is at school every day.", "Facts",
                  "Views and opinions"]:
        assert words in text, words
    # Scores at the assessment: agreed and the family's own.
    assert_says(text, "Physical health 4 3", "Family routine 2 Same",
                # Each child's view with how it was heard.
                "How we heard their view: Three Houses.", "I like playing football with Dad.",
                "How we heard their view: Wizards and Fairies.", "My wish is for Mummy to smile more.",
                # Each professional's view with author and agency.
                "Olu Other, Health visiting", "The family would benefit from a parenting group.",
                "Pat Practitioner, Hill School completed this assessment on 3 March 2025.")


def test_the_assessment_copy_is_structured_with_headings_in_order_tables_and_embedded_fonts(journey, practitioner):
    pdf = read_pdf(copies.assessment_pdf(practitioner, journey.assessment))
    assert_headings_in_order(pdf)
    types = struct_types(pdf)
    assert {"/Table", "/TH", "/TD", "/Caption"} <= set(types)
    fonts = embedded_fonts(pdf)
    assert fonts and all(embedded for _, embedded in fonts)
    assert any("DejaVu" in name for name, _ in fonts)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="assessments.assessment",
                                     object_id=str(journey.assessment.pk), family_id=journey.family.pk).exists()


def test_a_family_copy_never_prints_a_withheld_address_even_for_a_role_that_may_see_it(journey, mash_screener,
                                                                                       involve):
    involve(journey.family, mash_screener, InvolvedAs.MASH)
    text = read_pdf(copies.assessment_pdf(mash_screener, journey.assessment)).text
    assert "12 Hidden Lane" not in text
    assert "Not shown in this copy" in text
    assert "3 Open Road" in text


def test_the_plan_copy_names_the_lead_the_actions_the_review_and_the_latest_meeting(journey, practitioner):
    pdf = checked_copy(copies.plan_pdf(practitioner, journey.episode), "Early Help plan: The Testfamily family")
    text = pdf.text
    assert_says(text, "This is a copy of your family's Early Help plan.",
                "Pat Practitioner, Family support worker, Hill School", "Phone: 01865 000111",
                "Email: hill.school@example.test", "Outcome 1: Education and learning", "Max goes to school every day.",
                "Walk Max to school each morning Jo Testfamily 31 March 2025 In progress",
                "Book Jo a place on the parenting group Pat Practitioner, Hill School 4 April 2025 Not started",
                "next be reviewed by 21 April 2025",
                # The latest Team Around the Family meeting.
                "Hill School meeting room", "Jo Testfamily (family)", "Apologies Olu Other, Health visiting",
                "Max wants to walk to school with his friend.", "The team agreed the plan below.")


def test_the_review_copy_compares_new_scores_with_the_first_ones(journey, practitioner):
    pdf = checked_copy(copies.review_pdf(practitioner, journey.review),
                       "Review of your plan on 14 April 2025: The Testfamily family")
    text = pdf.text
    assert_says(text, "Continue the plan.", "The next review will be by 26 May 2025.",
                "Max has been at school every day for three weeks.", "Jo says mornings feel calmer.",
                "Max goes to school every day. Partly met Attendance is up to 92 percent.", "Physical health 4 7 Up 3",
                "Family routine 2 2 No change", "Home and money 3 5 Up 2")
    # The outcome star, as a figure with its title as alternative text, beside the table.
    assert "/Figure" in struct_types(pdf)


def test_the_step_up_bundle_has_the_referral_and_every_document_in_one_pdf(journey, practitioner):
    pdf = checked_copy(copies.step_up_bundle_pdf(practitioner, journey.referral),
                       "Step-up referral to MASH EH-TEST-1: The Testfamily family")
    text = pdf.text
    # The referral.
    assert_says(text, "EH-TEST-1", "Pat Practitioner, Hill School", "Ruby said she is frightened when Lee shouts.",
                "Parenting group and school support.", "The family's consent was not sought.",
                "Asking Lee would increase the risk to Ruby.", "Critical (level 4)",
                # The assessment, the plan, the latest meeting and the genogram with its text alternative.
                "Jo and the children moved to Banbury last spring.", "I like playing football with Dad.",
                "Walk Max to school each morning", "The team agreed the plan below.",
                "Jo Testfamily is the mother of Max Testfamily", "Lee Testfamily is the father of Ruby Testfamily")
    assert "/Figure" in struct_types(pdf)
    # A practitioner may not see the withheld address, so it is not printed.
    assert "12 Hidden Lane" not in text
    assert "3 Open Road" in text


def test_mash_screeners_of_the_council_get_the_bundle_with_a_withheld_address(journey, mash_screener):
    text = read_pdf(copies.step_up_bundle_pdf(mash_screener, journey.referral)).text
    assert "12 Hidden Lane" in text


def test_the_chronology_lists_significant_notes_across_the_family_in_date_order(journey, practitioner):
    pdf = checked_copy(copies.chronology_pdf(practitioner, journey.family), "Chronology: The Testfamily family")
    text = pdf.text
    assert "School raised attendance concerns" in text and "First home visit with Jo" in text
    assert text.index("School raised attendance concerns") < text.index("First home visit with Jo")
    assert_says(text, "Discussion with another professional", "Home visit", "Olu Other, Health visiting")
    assert "Routine call to book a visit" not in text


@pytest.mark.parametrize("make_pdf", [
    lambda user, j: copies.assessment_pdf(user, j.assessment),
    lambda user, j: copies.plan_pdf(user, j.episode),
    lambda user, j: copies.review_pdf(user, j.review),
    lambda user, j: copies.step_up_bundle_pdf(user, j.referral),
    lambda user, j: copies.chronology_pdf(user, j.family),
], ids=["assessment", "plan", "review", "step_up_bundle", "chronology"])
def test_a_user_who_cannot_see_the_family_is_refused_every_document(journey, make, make_pdf):
    stranger = make("sam.stranger@example.test")
    with pytest.raises(NotPermitted):
        make_pdf(stranger, journey)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_mash_screeners_of_another_council_are_refused_the_bundle(journey, make, other_council):
    screener = make("gil.glos@example.test", Role.MASH_SCREENER, agency_name="Gloucestershire MASH")
    screener.agency.council = other_council
    screener.agency.save()
    with pytest.raises(NotPermitted):
        copies.step_up_bundle_pdf(screener, journey.referral)


def test_an_ended_involvement_no_longer_gives_a_copy(journey, make, involve):
    from hearth.access import services as access_services

    former = make("fay.former@example.test")
    involve(journey.family, former, InvolvedAs.TAF_MEMBER)
    access_services.involvement_end(family=journey.family, user=former, relationship=InvolvedAs.TAF_MEMBER)
    with pytest.raises(NotPermitted):
        copies.plan_pdf(former, journey.episode)


def test_record_copy_records_a_disclosure_with_purpose_and_basis(journey, practitioner):
    disclosure = copies.record_copy(actor=practitioner, family=journey.family, kind="plan_copy", obj=journey.episode,
                                    recipient="Jo Testfamily", person=journey.mum)
    assert disclosure.kind == "plan_copy"
    assert disclosure.person == journey.mum
    assert disclosure.purpose == "The family's own copy of their Early Help plan"
    assert disclosure.basis and disclosure.what
    assert disclosure.object_type == "cases.episode" and disclosure.object_id == str(journey.episode.pk)


def test_a_review_copy_made_after_an_outcome_is_corrected_says_what_the_review_said(journey, practitioner):
    (outcome,) = [p.outcome for p in journey.review.progress.select_related("outcome")
                  if p.outcome.description.startswith("Max goes to school")]
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=outcome.version,
                                description="Max goes to Hill School every day", area=outcome.area,
                                status=outcome.status, reason="The school's name was missing")
    text = read_pdf(copies.review_pdf(practitioner, journey.review)).text
    assert_says(text, "Max goes to school every day. Partly met")
    assert "Hill School every day" not in text


def test_the_step_up_bundle_says_how_urgent_the_referral_is_and_why(journey, practitioner):
    Referral.objects.filter(pk=journey.referral.pk).update(same_day_triggers=["frightened"], urgency=Urgency.SAME_DAY)
    journey.referral.refresh_from_db()
    text = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral)).text
    assert_says(text, "Urgency Same working day: the child is frightened to return home")
