"""Oxfordshire sends every Team Around the Family record to the family's locality team (the profile's rule
`meeting_recorded_goes_to`): recording a meeting tells LCSS North for a family there, naming no one, once."""

import pytest

from hearth.core.models import Locality
from hearth.outbox.models import Message
from hearth.plans import meetings
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.plans.conftest import record_meeting

pytestmark = pytest.mark.django_db


def test_a_recorded_meeting_goes_to_the_locality_team_once_naming_no_one(council, family, episode, practitioner,
                                                                         schedule, parent):
    family.locality = Locality.objects.get(council=council, code="north")
    family.save(update_fields=["locality"])
    result = record_meeting(schedule(episode), practitioner, agreed_lead=practitioner)
    (message,) = Message.objects.filter(kind="meeting.recorded")
    assert message.to == "LCSS.North@oxfordshire.gov.uk"
    assert f"family record {family.pk}" in message.body and parent.family_name not in message.body
    (entry,) = Disclosure.objects.filter(family=family, kind=DisclosureKind.MEETING_NOTICE)
    assert entry.object_id == str(result.meeting.pk)

    meeting = result.meeting
    meeting.refresh_from_db()
    meetings.meeting_record(actor=practitioner, meeting=meeting, version=meeting.version,
                            attendance={inv.pk: "attended" for inv in meeting.invitations.all()},
                            minutes="We agreed a morning routine, corrected.", family_views=meeting.family_views,
                            strengths=meeting.strengths, needs=meeting.needs, next_review_on=meeting.next_review_on,
                            reason="A word was wrong")
    assert Message.objects.filter(kind="meeting.recorded").count() == 1


def test_a_family_without_a_locality_has_no_one_to_tell(family, episode, practitioner, schedule):
    record_meeting(schedule(episode), practitioner, agreed_lead=practitioner)
    assert not Message.objects.filter(kind="meeting.recorded").exists()
