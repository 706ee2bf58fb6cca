"""Where the council's process sends a completed assessment: Oxfordshire's go to the family's locality team (LCSS),
Portsmouth's to its MASH. The email names no one, and the register records it."""

import copy

import pytest

from hearth.assessments import services
from hearth.core import profiles
from hearth.core.models import Locality
from hearth.outbox.models import Message
from hearth.sharing.models import Disclosure, DisclosureKind

pytestmark = pytest.mark.django_db


def notices(family):
    return Disclosure.objects.filter(family=family, kind=DisclosureKind.ASSESSMENT_NOTICE)


@pytest.fixture
def in_north(family, council):
    family.locality = Locality.objects.get(council=council, code="north")
    family.save(update_fields=["locality"])
    return family


def test_an_oxfordshire_assessment_goes_to_the_familys_locality_team_naming_no_one(in_north, members, completed):
    (message,) = Message.objects.filter(kind="assessment.completed")
    assert message.to == "LCSS.North@oxfordshire.gov.uk"
    assert message.subject == "Early Help Assessment completed"
    assert f"family record {in_north.pk}" in message.body
    for person in members.values():
        assert person.given_name not in message.body and person.family_name not in message.body
    (entry,) = notices(in_north)
    assert entry.recipient == "LCSS.North@oxfordshire.gov.uk"
    assert entry.object_id == str(completed.pk)
    assert "no names" in entry.what


def test_without_a_locality_there_is_no_one_to_tell_and_nothing_is_recorded(family, members, completed):
    assert family.locality_id is None
    assert not Message.objects.filter(kind="assessment.completed").exists()
    assert not notices(family).exists()


def test_a_council_whose_assessments_go_to_its_mash_tells_the_mash_mailbox(council, family, members, assessment,
                                                                          practitioner, record_scores,
                                                                          write_background):
    council.rules = {"completed_assessment_goes_to": ["mash", "early_help_team"]}
    council.contacts = {**council.contacts, "mash_email": "mash@council.example.test",
                        "early_help_team_email": "early.help@council.example.test"}
    council.save()
    write_background(assessment)
    record_scores(practitioner, assessment)
    services.assessment_complete(actor=practitioner, assessment=assessment)
    sent = Message.objects.filter(kind="assessment.completed")
    assert sorted(m.to for m in sent) == ["early.help@council.example.test", "mash@council.example.test"]
    (entry,) = notices(family)
    assert entry.recipient == "mash@council.example.test, early.help@council.example.test"


def test_the_profiles_say_where_completed_assessments_go():
    by_code = {c["code"]: c for path in profiles.profile_files() for c in profiles.read_file(path)}
    assert by_code["portsmouth"]["rules"]["completed_assessment_goes_to"] == ["mash"]
    assert by_code["oxfordshire"]["rules"]["completed_assessment_goes_to"] == ["locality"]
    assert by_code["gloucestershire"]["rules"]["level_down_goes_to"] == ["early_help_team", "locality"]


NOT_A_LIST = "completed_assessment_goes_to must be a list of mash, early_help_team, locality"


@pytest.mark.parametrize("rules, message", [
    (["locality"], "rules must be a mapping"),
    ({"send_everything_to": ["mash"]}, "rules has no rule called send_everything_to"),
    ({"completed_assessment_goes_to": ["the_press"]}, NOT_A_LIST),
    ({"completed_assessment_goes_to": "mash"}, NOT_A_LIST),
])
def test_a_profile_with_a_rule_that_cannot_be_followed_is_refused(rules, message):
    (oxfordshire,) = profiles.read_file(profiles.PROFILE_DIR / "oxfordshire.yaml")
    broken = copy.deepcopy(oxfordshire)
    broken["rules"] = rules
    with pytest.raises(profiles.ProfileError, match=message):
        profiles.validate(broken, where="oxfordshire.yaml")
