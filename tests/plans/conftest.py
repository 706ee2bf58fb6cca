"""Fixtures for the plans tests: an open episode led by `practitioner`, a family with a parent, a young person
(13) and a younger child (6), and helpers for meetings, plans and scores."""

import datetime

import pytest
from django.utils import timezone

from hearth.people.models import Sex
from hearth.plans import meetings, services
from hearth.plans.models import Meeting, MeetingKind
from tests.factories import ChildFactory, CompletedAssessmentFactory, ParentFactory


def years_ago(years: int, days: int = 30) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def parent(family, practitioner):
    return ParentFactory(family=family, actor=practitioner, date_of_birth=datetime.date(1985, 1, 2),
                         email="jo.parent@example.test")


@pytest.fixture
def young_person(family, practitioner):
    return ChildFactory(family=family, actor=practitioner, given_name="Sam", date_of_birth=years_ago(13))


@pytest.fixture
def young_child(family, practitioner):
    return ChildFactory(family=family, actor=practitioner, given_name="Ava", sex=Sex.FEMALE,
                        date_of_birth=years_ago(6))


@pytest.fixture
def completed_assessment(episode):
    return CompletedAssessmentFactory(episode=episode)


@pytest.fixture
def meeting_today(episode, practitioner, other_practitioner, parent, young_person):
    """A Team Around the Family meeting today (so it can be recorded), inviting two practitioners, the parent and
    the young person."""
    return meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                     scheduled_for=timezone.now(), location="Hill School family room",
                                     practitioners=[practitioner, other_practitioner],
                                     family_members=[parent, young_person])


@pytest.fixture
def schedule(practitioner):
    """`schedule(episode, kind=..., scheduled_for=..., practitioners=[...])`: a meeting at the school arranged by
    `practitioner`, today unless told, inviting only `practitioner` unless told."""

    def _schedule(episode, kind=MeetingKind.INITIAL, *, scheduled_for=None, practitioners=None):
        return meetings.meeting_schedule(actor=practitioner, episode=episode, kind=kind,
                                         scheduled_for=scheduled_for or timezone.now(), location="School",
                                         practitioners=practitioners or [practitioner])

    return _schedule


@pytest.fixture
def scores(council):
    return {a["code"]: (5, None) for a in council.outcome_areas}


def attended(meeting: Meeting) -> dict[int, str]:
    return {inv.pk: "attended" for inv in meeting.invitations.all()}


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def record_meeting(meeting, actor, **overrides):
    """Record the meeting as held: everyone invited attended, with minutes, views and the next review in six
    weeks; any keyword changes one of those."""
    kwargs = {"actor": actor, "meeting": meeting, "version": meeting.version, "attendance": attended(meeting),
              "minutes": "We agreed a morning routine.", "family_views": "Jo wants mornings to be calmer.",
              "strengths": "Jo is committed", "needs": "School attendance", "next_review_on": in_days(42)}
    kwargs.update(overrides)
    return meetings.meeting_record(**kwargs)


def plan_with_one_action(actor, episode):
    outcome = services.outcome_add(actor=actor, episode=episode, description="Sam goes to school every day",
                                   area="education_and_learning")
    action = services.action_add(actor=actor, episode=episode, what="Morning routine chart", due_on=in_days(7),
                                 owner_user=actor, outcome=outcome)
    return outcome, action
