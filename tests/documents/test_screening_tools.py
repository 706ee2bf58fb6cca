"""The step-up bundle lists the screening tools sent with the referral in a section of their own ("Screening tools
completed": the tool, when, by whom, what it found), and says when none was."""

import datetime

import pytest

from hearth.documents import copies
from hearth.referrals.models import ScreeningTool, ScreeningToolKind
from tests.assertions import assert_says
from tests.documents.helpers import assert_accessible, heading_levels, read_pdf

pytestmark = pytest.mark.django_db


def test_the_bundle_lists_each_screening_tool_with_its_date_who_and_what_it_found(journey, practitioner):
    ScreeningTool.objects.create(referral=journey.referral, position=1, tool=ScreeningToolKind.NEGLECT,
                                 completed_on=datetime.date(2025, 3, 5), completed_by="Ann Visitor (Health visiting)",
                                 findings="Ruby's basic care is often missed in the mornings.")
    ScreeningTool.objects.create(referral=journey.referral, position=2, tool=ScreeningToolKind.OTHER,
                                 other_name="Graded Care Profile 2", completed_on=datetime.date(2025, 3, 8),
                                 completed_by="Pat Practitioner (Hill School)", findings="Safety scored 4 of 5.")
    pdf = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral))
    assert_accessible(pdf, "Step-up referral to MASH EH-TEST-1")
    levels = heading_levels(pdf)
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels
    text = pdf.text
    start = text.index("Screening tools completed Neglect Toolkit")
    section = text[start:text.index("Early Help Assessment", start)]
    assert_says(section, "Neglect Toolkit", "Date completed 5 March 2025", "Completed by Ann Visitor (Health visiting)",
                "What it found Ruby's basic care is often missed in the mornings.", "Graded Care Profile 2",
                "Date completed 8 March 2025", "Safety scored 4 of 5.")
    assert section.index("Neglect Toolkit") < section.index("Graded Care Profile 2")
    assert "The screening tools completed, and what each found" in text  # in the bundle's list of parts


def test_a_bundle_without_screening_tools_says_none_were_recorded(journey, practitioner):
    text = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral)).text
    assert "Screening tools completed No screening tools were recorded with this referral." in text
