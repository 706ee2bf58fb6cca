import pytest

from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.core.errors import NotPermitted
from hearth.documents import copies
from hearth.governance.models import AuditAction, AuditEvent
from tests.documents.helpers import assert_accessible, embedded_fonts, heading_levels, read_pdf, struct_types

pytestmark = pytest.mark.django_db


def assert_headings_in_order(pdf):
    levels = heading_levels(pdf)
    assert levels and levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels


def test_the_assessment_copy_has_every_part_in_plain_english(journey, practitioner):
    pdf = read_pdf(copies.assessment_pdf(practitioner, journey.assessment))
    text = pdf.text
    assert_accessible(pdf, "Early Help Assessment (EHA): The Testfamily family")
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
    assert "Physical health 4 3" in text
    assert "Family routine 2 Same" in text
    # Each child's view with how it was heard.
    assert "How we heard their view: Three Houses." in text
    assert "I like playing football with Dad." in text
    assert "How we heard their view: Wizards and Fairies." in text
    assert "My wish is for Mummy to smile more." in text
    # Each professional's view with author and agency.
    assert "Olu Other, Health visiting" in text
    assert "The family would benefit from a parenting group." in text
    assert "Pat Practitioner, Hill School completed this assessment on 3 March 2025." in text


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
    pdf = read_pdf(copies.plan_pdf(practitioner, journey.episode))
    text = pdf.text
    assert_accessible(pdf, "Early Help plan: The Testfamily family")
    assert_headings_in_order(pdf)
    assert "This is a copy of your family's Early Help plan." in text
    assert "Pat Practitioner, Family support worker, Hill School" in text
    assert "Phone: 01865 000111" in text and "Email: hill.school@example.test" in text
    assert "Outcome 1: Education and learning" in text
    assert "Max goes to school every day." in text
    assert "Walk Max to school each morning Jo Testfamily 31 March 2025 In progress" in text
    assert "Book Jo a place on the parenting group Pat Practitioner, Hill School 4 April 2025 Not started" in text
    assert "next be reviewed by 21 April 2025" in text
    # The latest Team Around the Family meeting.
    assert "Hill School meeting room" in text
    assert "Jo Testfamily (family)" in text
    assert "Apologies Olu Other, Health visiting" in text
    assert "Max wants to walk to school with his friend." in text
    assert "The team agreed the plan below." in text


def test_the_review_copy_compares_new_scores_with_the_first_ones(journey, practitioner):
    pdf = read_pdf(copies.review_pdf(practitioner, journey.review))
    text = pdf.text
    assert_accessible(pdf, "Review of your plan on 14 April 2025: The Testfamily family")
    assert_headings_in_order(pdf)
    assert "Continue the plan." in text
    assert "The next review will be by 26 May 2025." in text
    assert "Max has been at school every day for three weeks." in text
    assert "Jo says mornings feel calmer." in text
    assert "Max goes to school every day. Partly met Attendance is up to 92 percent." in text
    assert "Physical health 4 7 Up 3" in text
    assert "Family routine 2 2 No change" in text
    assert "Home and money 3 5 Up 2" in text
    # The outcome star, as a figure with its title as alternative text, beside the table.
    assert "/Figure" in struct_types(pdf)


def test_the_step_up_bundle_has_the_referral_and_every_document_in_one_pdf(journey, practitioner):
    pdf = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral))
    text = pdf.text
    assert_accessible(pdf, "Step-up referral to MASH EH-TEST-1: The Testfamily family")
    assert_headings_in_order(pdf)
    # The referral.
    assert "EH-TEST-1" in text
    assert "Pat Practitioner, Hill School" in text
    assert "Ruby said she is frightened when Lee shouts." in text
    assert "Parenting group and school support." in text
    assert "The family's consent was not sought." in text
    assert "Asking Lee would increase the risk to Ruby." in text
    assert "Critical (level 4)" in text
    # The assessment, the plan, the latest meeting and the genogram with its text alternative.
    assert "Jo and the children moved to Banbury last spring." in text
    assert "I like playing football with Dad." in text
    assert "Walk Max to school each morning" in text
    assert "The team agreed the plan below." in text
    assert "Jo Testfamily is the mother of Max Testfamily" in text
    assert "Lee Testfamily is the father of Ruby Testfamily" in text
    assert "/Figure" in struct_types(pdf)
    # A practitioner may not see the withheld address, so it is not printed.
    assert "12 Hidden Lane" not in text
    assert "3 Open Road" in text


def test_mash_screeners_of_the_council_get_the_bundle_with_a_withheld_address(journey, mash_screener):
    text = read_pdf(copies.step_up_bundle_pdf(mash_screener, journey.referral)).text
    assert "12 Hidden Lane" in text


def test_the_chronology_lists_significant_notes_across_the_family_in_date_order(journey, practitioner):
    pdf = read_pdf(copies.chronology_pdf(practitioner, journey.family))
    text = pdf.text
    assert_accessible(pdf, "Chronology: The Testfamily family")
    assert_headings_in_order(pdf)
    assert "School raised attendance concerns" in text and "First home visit with Jo" in text
    assert text.index("School raised attendance concerns") < text.index("First home visit with Jo")
    assert "Discussion with another professional" in text and "Home visit" in text
    assert "Olu Other, Health visiting" in text
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
