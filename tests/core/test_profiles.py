from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.core import profiles
from hearth.core.models import Council


@pytest.mark.django_db
def test_the_five_seed_councils_load_with_their_own_wording():
    profiles.load()
    codes = set(Council.objects.values_list("code", flat=True))
    assert {"portsmouth", "cambridgeshire", "peterborough", "gloucestershire", "oxfordshire",
            "redcar-and-cleveland"} <= codes
    glos = Council.objects.get(code="gloucestershire")
    assert glos.level_name(2) == "Additional" and glos.plan_names["level_3"] == "My Plan+"
    assert glos.contact("mash_phone") == "01452 426565"
    oxon = Council.objects.get(code="oxfordshire")
    assert {loc.name for loc in oxon.localities.all()} == {"LCSS North", "LCSS Central", "LCSS South"}
    assert Council.objects.get(code="cambridgeshire").consent_model == "public_task"
    portsmouth = Council.objects.get(code="portsmouth")
    assert portsmouth.contact("referral_panel_email").startswith("earlysupportreferralpanel")
    # Cambridgeshire and Peterborough share one service.
    assert (Council.objects.get(code="cambridgeshire").service_name
            == Council.objects.get(code="peterborough").service_name)


@pytest.mark.django_db
def test_loading_twice_updates_rather_than_duplicates():
    profiles.load(only=["oxfordshire"])
    profiles.load(only=["oxfordshire"])
    assert Council.objects.filter(code="oxfordshire").count() == 1


@pytest.mark.django_db
def test_an_unknown_council_code_is_refused_with_the_known_codes():
    with pytest.raises(CommandError, match="No council with code narnia.*Known codes: cambridgeshire"):
        call_command("load_profiles", "--only", "narnia")


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((profiles.PROFILE_DIR / "oxfordshire.yaml").read_text())
    mutate(data["councils"][0])
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.pop("levels"), "missing levels"),
        (lambda c: c.update(levels=c["levels"][:3]), "exactly the four levels"),
        (lambda c: c.update(outcome_areas=c["outcome_areas"][:9]), "ten outcome areas"),
        (lambda c: c.update(consent_model="maybe"), "consent_model must be one of"),
        (lambda c: c.update(review_interval_weeks=0), "review_interval_weeks"),
    ],
)
def test_a_broken_profile_file_is_refused_and_nothing_is_loaded(tmp_path, mutate, message):
    path = _write(tmp_path, mutate)
    with pytest.raises(CommandError, match=message):
        call_command("load_profiles", str(path))
    assert not Council.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="There is no profile file"):
        call_command("load_profiles", str(tmp_path / "nope.yaml"))
