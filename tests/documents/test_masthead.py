"""Every copy names the council and who it was prepared for (issue "The practitioner's day on every screen",
item 11). The council's logo is tested with the demo council's synthetic one (test_logo.py)."""

import pytest
from django.urls import reverse

from hearth.documents import copies
from hearth.sharing.models import Disclosure
from tests.assertions import assert_says
from tests.documents.helpers import figure_alts, read_pdf

pytestmark = pytest.mark.django_db

COPY_PAGES = {
    "assessment": lambda j: reverse("documents:assessment_copy", args=[j.assessment.pk]),
    "plan": lambda j: reverse("documents:plan_copy", args=[j.episode.pk]),
    "review": lambda j: reverse("documents:review_copy", args=[j.review.pk]),
    "chronology": lambda j: reverse("documents:chronology_copy", args=[j.family.pk]),
}


@pytest.mark.parametrize("kind", COPY_PAGES)
def test_a_copy_for_a_parent_names_the_council_and_the_parent_it_was_prepared_for(journey, practitioner, client_for,
                                                                                   kind):
    response = client_for(practitioner).post(COPY_PAGES[kind](journey), {"recipient": str(journey.mum.pk)})
    assert response["Content-Type"] == "application/pdf"
    text = read_pdf(response.content).text
    recipient = "Jo Testfamily (parent or carer with parental responsibility)"
    assert_says(text, "Oxfordshire County Council", f"Prepared for {recipient}")
    # The copy names the recipient the sharing register records.
    assert Disclosure.objects.get().recipient == recipient
    # Oxfordshire's profile names no logo: no picture stands in for its name.
    assert "Oxfordshire County Council" not in figure_alts(read_pdf(response.content))


def test_a_copy_for_someone_else_names_them(journey, practitioner, client_for):
    response = client_for(practitioner).post(COPY_PAGES["plan"](journey),
                                             {"recipient": "other", "other_recipient": "Sam Jones, grandparent"})
    assert_says(read_pdf(response.content).text, "Prepared for Sam Jones, grandparent")


def test_the_chronology_for_own_use_says_so(journey, practitioner, client_for):
    response = client_for(practitioner).get(reverse("documents:chronology_pdf", args=[journey.family.pk]))
    assert_says(read_pdf(response.content).text, "Oxfordshire County Council",
                "Prepared for Pat Practitioner, Hill School, for their own work with the family")
    assert not Disclosure.objects.exists()


def test_the_step_up_bundle_is_prepared_for_mash(journey, practitioner):
    text = read_pdf(copies.step_up_bundle_pdf(practitioner, journey.referral)).text
    assert_says(text, "Oxfordshire County Council", "Prepared for the Multi-Agency Safeguarding Hub (MASH)")
