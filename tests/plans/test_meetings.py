"""Team Around the Family meetings (hearth.plans.meetings): scheduling and inviting, recording what was agreed,
agreeing the plan at the first meeting, and sending the notes."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conftest import cover
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Role
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import EpisodeStatus
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.plans import meetings, services
from hearth.plans.models import ChildMeetingView, Invitation, Meeting, MeetingKind, MeetingStatus
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.assertions import assert_says
from tests.plans.conftest import attended, in_days, plan_with_one_action, record_meeting
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


# --- scheduling --------------------------------------------------------------------------------------------------


def test_scheduling_invites_practitioners_and_family_and_involves_practitioners(
        meeting_today, other_practitioner, family, parent, young_person):
    invited = Invitation.objects.filter(meeting=meeting_today)
    assert {i.user_id for i in invited if i.user_id} == {meeting_today.scheduled_by_id, other_practitioner.pk}
    assert {i.person_id for i in invited if i.person_id} == {parent.pk, young_person.pk}
    assert Involvement.objects.filter(family=family, user=other_practitioner, relationship=InvolvedAs.TAF_MEMBER,
                                      ended_at__isnull=True).exists()


def test_scheduling_emails_invitations_without_naming_the_family(meeting_today, other_practitioner, parent):
    run_jobs()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([other_practitioner.email, "pat.practitioner@example.test", parent.email])
    invitations = Disclosure.objects.filter(object_type="plans.meeting", object_id=str(meeting_today.pk))
    assert sorted(d.recipient for d in invitations) == recipients
    for message in mail.outbox:
        assert "Hill School family room" in message.body
        assert "Testfamily" not in message.body and "Testfamily" not in message.subject
        assert "Jo" not in message.body and "Sam" not in message.body


def test_a_practitioner_already_involved_is_not_given_a_second_involvement(meeting_today, practitioner, family):
    # Involved before the meeting as the family record's creator and as lead professional: nothing is added.
    assert sorted(Involvement.objects.filter(family=family, user=practitioner, ended_at__isnull=True)
                  .values_list("relationship", flat=True)) == [InvolvedAs.LEAD_PROFESSIONAL, InvolvedAs.TAF_MEMBER]


def test_a_meeting_in_the_past_is_refused(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                  scheduled_for=timezone.now() - datetime.timedelta(days=1), location="School",
                                  practitioners=[practitioner])
    assert exc.value.errors["date"] == "The meeting date must be today or in the future"
    assert not Meeting.objects.exists()


def test_a_meeting_needs_a_place_and_someone_invited(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                  scheduled_for=timezone.now() + datetime.timedelta(days=3), location=" ")
    assert exc.value.errors == {"location": "Enter where the meeting will be held",
                                "practitioners": "Invite at least one person"}


def test_a_practitioner_of_another_council_cannot_be_invited(episode, practitioner, other_council):
    from conftest import make_user

    outsider = make_user(other_council, "out@example.test", [Role.PRACTITIONER])
    with pytest.raises(ValidationFailed) as exc:
        meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                  scheduled_for=timezone.now() + datetime.timedelta(days=3), location="School",
                                  practitioners=[outsider])
    assert exc.value.errors["practitioners"] == "Choose practitioners who work in this council"


def test_someone_who_cannot_see_the_family_cannot_schedule(episode, make):
    stranger = make("stranger@example.test")
    with pytest.raises(NotPermitted):
        meetings.meeting_schedule(actor=stranger, episode=episode, kind=MeetingKind.INITIAL,
                                  scheduled_for=timezone.now(), location="School", practitioners=[stranger])


# --- recording -----------------------------------------------------------------------------------------------


def test_recording_saves_attendance_views_and_sets_the_next_review(meeting_today, practitioner, young_person,
                                                                   young_child, episode):
    inv = list(meeting_today.invitations.all())
    attendance = {inv[0].pk: "attended", inv[1].pk: "apologies", inv[2].pk: "attended", inv[3].pk: "absent"}
    result = record_meeting(meeting_today, practitioner, attendance=attendance,
                     child_views={young_person.pk: "I want to go to football", young_child.pk: ""})
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    assert meeting.status == MeetingStatus.HELD and meeting.version == 2
    assert [i.attendance for i in meeting.invitations.order_by("pk")] == ["attended", "apologies", "attended",
                                                                         "absent"]
    assert list(ChildMeetingView.objects.values_list("child_id", "views")) == [
        (young_person.pk, "I want to go to football")]
    episode.refresh_from_db()
    assert episode.next_review_due == in_days(42)
    assert result.plan_agreed is False


def test_the_review_date_must_be_in_the_future(meeting_today, practitioner):
    for day in (timezone.localdate(), in_days(-3)):
        with pytest.raises(ValidationFailed) as exc:
            record_meeting(meeting_today, practitioner, next_review_on=day)
        assert exc.value.errors["next_review_on"] == "The next review date must be in the future"
    assert Meeting.objects.get(pk=meeting_today.pk).status == MeetingStatus.SCHEDULED


def test_default_review_date_is_the_councils_interval_after_the_meeting(episode):
    on = datetime.date(2030, 1, 7)
    assert review_dates.default_date(episode.family.council, on) == datetime.date(2030, 2, 18)


def test_every_invitee_needs_an_attendance_and_the_minutes_are_required(meeting_today, practitioner):
    first = meeting_today.invitations.first()
    with pytest.raises(ValidationFailed) as exc:
        record_meeting(meeting_today, practitioner, attendance={first.pk: "attended"}, minutes="  ")
    assert exc.value.errors["minutes"] == "Enter the minutes of the meeting"
    assert len([k for k in exc.value.errors if k.startswith("attendance_")]) == 3


def test_a_meeting_that_has_not_happened_cannot_be_recorded(episode, practitioner, schedule):
    meeting = schedule(episode, scheduled_for=timezone.now() + datetime.timedelta(days=5))
    with pytest.raises(DomainError, match="has not happened yet"):
        record_meeting(meeting, practitioner)


def test_a_stale_version_is_refused_and_nothing_is_saved(meeting_today, practitioner):
    record_meeting(meeting_today, practitioner, minutes="First record")
    with pytest.raises(Conflict):
        record_meeting(meeting_today, practitioner, version=1, minutes="Second record from an old page")
    assert Meeting.objects.get(pk=meeting_today.pk).minutes == "First record"


def test_the_first_meeting_needs_a_lead_when_the_episode_has_none(family, practitioner, parent, schedule):
    episode = cases.episode_open(actor=practitioner, family=family, reason="N4", level=3, lead=None)
    meeting = schedule(episode)
    with pytest.raises(ValidationFailed) as exc:
        record_meeting(meeting, practitioner)
    assert exc.value.errors["agreed_lead"] == "Choose the lead professional agreed at the meeting"
    record_meeting(meeting, practitioner, agreed_lead=practitioner)
    episode.refresh_from_db()
    assert episode.lead_professional == practitioner


def test_an_agreed_lead_different_from_the_current_one_becomes_lead(meeting_today, practitioner,
                                                                   other_practitioner, episode):
    record_meeting(meeting_today, practitioner, agreed_lead=other_practitioner)
    episode.refresh_from_db()
    assert episode.lead_professional == other_practitioner
    assert Meeting.objects.get(pk=meeting_today.pk).agreed_lead == other_practitioner


def test_a_team_member_who_does_not_manage_the_episode_cannot_change_the_lead(meeting_today, other_practitioner,
                                                                              make):
    newcomer = make("new.lead@example.test")
    cover(meeting_today.episode.family, other_practitioner)
    with pytest.raises(ValidationFailed) as exc:
        record_meeting(meeting_today, other_practitioner, agreed_lead=newcomer)
    assert "Only the lead professional" in exc.value.errors["agreed_lead"]


def test_first_meeting_agrees_the_plan_when_assessment_completed_and_plan_has_outcome_and_action(
        meeting_today, practitioner, episode, completed_assessment):
    plan_with_one_action(practitioner, episode)
    result = record_meeting(meeting_today, practitioner)
    episode.refresh_from_db()
    assert result.plan_agreed is True
    assert episode.status == EpisodeStatus.PLAN
    assert episode.status_changes.filter(transition="plan_agreed").exists()


def test_first_meeting_is_saved_but_plan_waits_for_the_assessment(meeting_today, practitioner, episode):
    plan_with_one_action(practitioner, episode)
    result = record_meeting(meeting_today, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    assert Meeting.objects.get(pk=meeting_today.pk).status == MeetingStatus.HELD
    assert result.plan_agreed is False
    assert result.plan_waiting == ("The meeting has been saved. The plan becomes active once the Early Help "
                                   "Assessment is completed.")


def test_first_meeting_without_an_action_leaves_the_plan_waiting(meeting_today, practitioner, episode,
                                                                  completed_assessment):
    services.outcome_add(actor=practitioner, episode=episode, description="Calmer mornings")
    result = record_meeting(meeting_today, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    assert "the plan has at least one action" in result.plan_waiting


def test_a_review_meeting_does_not_agree_the_plan(episode, practitioner, completed_assessment, schedule):
    plan_with_one_action(practitioner, episode)
    meeting = schedule(episode, MeetingKind.REVIEW)
    record_meeting(meeting, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT


# --- sending the notes ---------------------------------------------------------------------------------------


def test_notes_of_a_meeting_not_yet_recorded_are_refused(meeting_today, practitioner):
    run_jobs()  # the invitations go first
    mail.outbox.clear()
    with pytest.raises(DomainError, match="Record the meeting before sending its notes"):
        meetings.notes_send(actor=practitioner, meeting=meeting_today)
    assert mail.outbox == []
    assert not Disclosure.objects.filter(kind=DisclosureKind.TAF_NOTES).exists()


def test_notes_go_to_every_invited_address_with_one_disclosure_each(meeting_today, practitioner,
                                                                   other_practitioner, parent, young_person,
                                                                   episode):
    plan_with_one_action(practitioner, episode)
    attendance = attended(meeting_today)
    attendance[meeting_today.invitations.get(user=other_practitioner).pk] = "apologies"
    record_meeting(meeting_today, practitioner, attendance=attendance, child_views={young_person.pk: "Football please"})
    run_jobs()  # the invitations go first
    mail.outbox.clear()
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    sent = meetings.notes_send(actor=practitioner, meeting=meeting)
    # The young person has no email address: three of the four invited get the notes.
    assert sent == 3
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [practitioner.email, other_practitioner.email, parent.email])
    body = mail.outbox[0].body
    assert_says(body, "Attended:\n- Pat Practitioner, Hill School\n- Family member\n- Family member",
                "Sent apologies:\n- Olu Other, Health visiting",
                "A child or young person aged 13: their views:\nFootball please", "We agreed a morning routine.",
                "Morning routine chart (who: Pat Practitioner, Hill School; by",
                f"Next review: {in_days(42).day} {in_days(42):%B %Y}")
    assert "Jo Testfamily" not in body
    disclosures = Disclosure.objects.filter(kind=DisclosureKind.TAF_NOTES)
    assert sorted(d.recipient for d in disclosures) == sorted(m.to[0] for m in mail.outbox)
    assert disclosures.get(recipient=parent.email).person == parent
    assert disclosures.get(recipient=other_practitioner.email).recipient_agency == other_practitioner.agency
    assert Meeting.objects.get(pk=meeting.pk).notes_sent_at is not None
