"""The council's logo from its profile, on every copy, as a figure whose alternative text is the council's name.
Hearth ships no real council's logo: these tests use the demo council's synthetic one."""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from hearth.cases.models import Episode
from hearth.core import profiles
from hearth.demo.generator import DEMO_PROFILE
from hearth.documents import copies
from tests.documents.helpers import figure_alts, read_pdf, struct_types

pytestmark = pytest.mark.django_db

DEMO_NAME = "Hearthshire Council (demo)"


@pytest.fixture
def council(db):
    """The families in these tests belong to the demo council, loaded from its profile (with its logo)."""
    (demo,) = profiles.load([DEMO_PROFILE])
    return demo


def test_the_demo_profile_names_its_logo_and_loading_keeps_it(council):
    content, media_type = profiles.logo(council)
    assert media_type == "image/svg+xml"
    assert content.startswith(b"<svg")


@pytest.mark.parametrize("make_pdf", [
    lambda user, j: copies.assessment_pdf(user, j.assessment, prepared_for="Jo Testfamily"),
    lambda user, j: copies.plan_pdf(user, j.episode, prepared_for="Jo Testfamily"),
    lambda user, j: copies.review_pdf(user, j.review, prepared_for="Jo Testfamily"),
    lambda user, j: copies.chronology_pdf(user, j.family, prepared_for="Jo Testfamily"),
    lambda user, j: copies.step_up_bundle_pdf(user, j.referral),
], ids=["assessment", "plan", "review", "chronology", "step_up_bundle"])
def test_every_copy_shows_the_council_logo_named_for_screen_readers(journey, practitioner, make_pdf):
    pdf = read_pdf(make_pdf(practitioner, journey))
    # The logo is the first thing on the first page, a figure whose alternative text is the council's name.
    assert figure_alts(pdf)[0] == DEMO_NAME
    assert struct_types(pdf)[:3] == ["/Document", "/Div", "/Figure"]
    assert DEMO_NAME in pdf.text


def test_the_copy_a_practitioner_downloads_has_the_logo(journey, practitioner, client_for):
    response = client_for(practitioner).post(reverse("documents:plan_copy", args=[journey.episode.pk]),
                                             {"recipient": str(journey.dad.pk)})
    pdf = read_pdf(response.content)
    assert figure_alts(pdf)[0] == DEMO_NAME
    assert "Prepared for Lee Testfamily (parent or carer with parental responsibility)" in pdf.text


def _profile_with_logo(tmp_path: Path, logo) -> Path:
    data = yaml.safe_load(DEMO_PROFILE.read_text())
    data["councils"][0]["logo"] = logo
    path = tmp_path / "with-logo.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(("logo", "message"), [
    ("../oxfordshire.yaml", "must be the name of a file in logos/"),
    ("/etc/hosts", "must be the name of a file in logos/"),
    ("", "must be the name of a file in logos/"),
    (["hearthshire-demo.svg"], "must be the name of a file in logos/"),
    ("hearthshire-demo.gif", "must be an SVG or PNG file"),
    ("not-there.png", "names not-there.png, which is not in logos/"),
])
def test_a_profile_logo_must_be_a_small_svg_or_png_in_the_logos_folder(tmp_path, logo, message):
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.read_file(_profile_with_logo(tmp_path, logo))


def test_a_profile_without_a_logo_loads_and_its_copies_have_none(tmp_path, journey, practitioner):
    data = yaml.safe_load(DEMO_PROFILE.read_text())
    del data["councils"][0]["logo"]
    path = tmp_path / "no-logo.yaml"
    path.write_text(yaml.safe_dump(data))
    (council,) = profiles.load([path])
    assert profiles.logo(council) is None
    pdf = read_pdf(copies.plan_pdf(practitioner, Episode.objects.get(pk=journey.episode.pk)))
    assert DEMO_NAME not in figure_alts(pdf)
    assert DEMO_NAME in pdf.text
