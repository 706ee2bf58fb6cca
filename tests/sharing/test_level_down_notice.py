"""Gloucestershire's step from a My Plan+ (level 3) to a My Plan (level 2) is notified to its Early Help team: a
council whose profile says so is emailed on a step down, naming no one, and the register records it."""

import pytest

from hearth.cases import services
from hearth.core.models import Council
from hearth.outbox.models import Message
from hearth.sharing.models import Disclosure, DisclosureKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(council):
    council.rules = {"level_down_goes_to": ["early_help_team"]}
    council.contacts = {**council.contacts, "early_help_team_email": "early.help@council.example.test"}
    council.plan_names = {"level_2": "My Plan", "level_3": "My Plan+"}
    council.save()
    return council


def sent():
    return Message.objects.filter(kind="episode.level_down")


def test_a_step_down_is_told_to_the_early_help_team_by_plan_name_naming_no_one(notified, practitioner, family, mum,
                                                                             level_3_episode):
    services.episode_change_level(actor=practitioner, episode=level_3_episode, level=2, reasons="Things are calmer")
    (message,) = sent()
    assert message.to == "early.help@council.example.test"
    assert "from level 3 (My Plan+) to level 2 (My Plan)" in message.body
    assert f"family record {family.pk}" in message.body
    assert mum.given_name not in message.body and mum.family_name not in message.body
    (entry,) = Disclosure.objects.filter(family=family, kind=DisclosureKind.LEVEL_NOTICE)
    assert entry.recipient == "early.help@council.example.test"


def test_a_step_up_within_early_help_is_not_a_step_down(notified, practitioner, family, episode):
    services.episode_change_level(actor=practitioner, episode=episode, level=3, reasons="Needs have grown")
    assert not sent().exists()
    assert not Disclosure.objects.filter(family=family, kind=DisclosureKind.LEVEL_NOTICE).exists()


def test_a_council_without_the_rule_is_not_told(council, practitioner, family, level_3_episode):
    Council.objects.filter(pk=council.pk).update(
        rules={}, contacts={**council.contacts, "early_help_team_email": "early.help@council.example.test"})
    services.episode_change_level(actor=practitioner, episode=level_3_episode, level=2, reasons="Things are calmer")
    assert not sent().exists()
