"""Gloucestershire's My Plan: a level 2 plan is agreed at the Team Around the Family meeting without a My Assessment
(the profile's rule `level_2_plan_without_assessment`) and registered with the Early Help team
(`plan_agreed_goes_to`); a level 3 My Plan+ still waits for its assessment, as every plan does elsewhere."""

import pytest

from hearth.cases.models import EpisodeStatus
from hearth.core import profiles
from hearth.outbox.models import Message
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.plans.conftest import plan_with_one_action, record_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def my_plan_council(council):
    council.rules = {"level_2_plan_without_assessment": True, "plan_agreed_goes_to": ["early_help_team"]}
    council.contacts = {**council.contacts, "early_help_team_email": "early.help@council.example.test"}
    council.plan_names = {"level_2": "My Plan", "level_3": "My Plan+"}
    council.save()
    return council


def test_a_level_2_my_plan_is_agreed_at_the_meeting_without_an_assessment_and_registered(
        my_plan_council, episode, practitioner, schedule, family, parent):
    plan_with_one_action(practitioner, episode)
    result = record_meeting(schedule(episode), practitioner, agreed_lead=practitioner)
    episode.refresh_from_db()
    assert result.plan_agreed and episode.status == EpisodeStatus.PLAN
    (message,) = Message.objects.filter(kind="episode.plan_agreed")
    assert message.to == "early.help@council.example.test" and message.subject == "My Plan agreed"
    assert f"family record {family.pk}" in message.body and parent.family_name not in message.body
    assert Disclosure.objects.filter(family=family, kind=DisclosureKind.PLAN_NOTICE).count() == 1


def test_a_level_3_my_plan_plus_still_waits_for_its_assessment(my_plan_council, level_3_episode, practitioner,
                                                               schedule):
    plan_with_one_action(practitioner, level_3_episode)
    result = record_meeting(schedule(level_3_episode), practitioner, agreed_lead=practitioner)
    level_3_episode.refresh_from_db()
    assert not result.plan_agreed and "Early Help Assessment is completed" in result.plan_waiting
    assert level_3_episode.status == EpisodeStatus.ASSESSMENT
    assert not Message.objects.filter(kind="episode.plan_agreed").exists()


def test_without_the_rule_a_level_2_plan_waits_for_the_assessment(council, episode, practitioner, schedule):
    plan_with_one_action(practitioner, episode)
    result = record_meeting(schedule(episode), practitioner, agreed_lead=practitioner)
    episode.refresh_from_db()
    assert not result.plan_agreed and episode.status == EpisodeStatus.ASSESSMENT


def test_gloucestershire_registers_my_plans_and_a_switch_rule_must_be_true_or_false():
    (glos,) = profiles.read_file(profiles.PROFILE_DIR / "gloucestershire.yaml")
    assert glos["rules"]["level_2_plan_without_assessment"] is True
    assert glos["rules"]["plan_agreed_goes_to"] == ["early_help_team", "locality"]
    glos["rules"]["level_2_plan_without_assessment"] = "yes"
    with pytest.raises(profiles.ProfileError, match="level_2_plan_without_assessment must be true or false"):
        profiles.validate(glos, where="gloucestershire.yaml")
