"""The programme's records in a subject access bundle, and the programme's part of a council profile."""

import copy
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from hearth.core import profiles
from hearth.subject_access import services as sar_services
from hearth.subject_access.compile import compile_bundle
from tests.supporting_families.conftest import REDCAR
from tests.supporting_families.test_family import record_need

pytestmark = pytest.mark.django_db


def test_a_parent_reads_the_needs_recorded_about_their_family_in_their_bundle(client_for, practitioner, dpo, family,
                                                                             mum, episode, taking_part):
    record_need(client_for(practitioner), family, "housing", "homelessness_risk",
                evidence="Notice to quit served by the landlord", person=mum.pk)
    sar = sar_services.sar_create(actor=dpo, subject=mum, requester_name="Jo Testfamily",
                                  requester_relationship="self", received_on=timezone.localdate())
    section = next(s for s in compile_bundle(sar).sections if s.key == "supporting_families")
    (item,) = section.items
    values = {f.label: f.value for f in item.fields}
    assert values["Headline need"] == "Secure housing" and values["About"] == "Jo Testfamily"
    assert values["Evidence"] == "Notice to quit served by the landlord"


def _redcar() -> dict:
    return yaml.safe_load(Path(REDCAR).read_text())["councils"][0]


@pytest.mark.parametrize("change, message", [
    (lambda p: p["supporting_families"]["descriptors"].update(gambling=[{"code": "a", "text": "b"}]),
     "names 'gambling', which is not one of the headline needs"),
    (lambda p: p["supporting_families"].update(sustained_months=0), "sustained_months must be a whole number"),
    (lambda p: p["supporting_families"]["descriptors"]["crime"].append({"code": "offending", "text": "Again"}),
     "two descriptors of crime have the same code"),
    (lambda p: p["outcome_areas"][0].update(supporting_families_outcome="wellbeing"),
     "maps to 'wellbeing', which is not one of the Supporting Families headline needs"),
    (lambda p: p.update(rules={"small_number_threshold": 0}), "small_number_threshold must be a whole number"),
])
def test_a_profile_with_a_mistake_in_its_programme_is_refused(change, message):
    profile = copy.deepcopy(_redcar())
    change(profile)
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.validate(profile, where="test")


def test_every_shipped_profile_that_asks_about_the_programme_describes_its_needs():
    for path in profiles.profile_files():
        for council in profiles.read_file(path):
            asks = (council["consent_questions"] or {}).get("supporting_families")
            assert bool(council.get("supporting_families")) == bool(asks), council["code"]
