import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conftest import cover
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency, Role
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import EpisodeStatus, LevelChange
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.outcomes.models import Reading
from hearth.plans import meetings, reviews, services
from hearth.plans.models import (
    Action,
    ActionStatus,
    ChildMeetingView,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeProgress,
    OutcomeStatus,
    Review,
    ReviewDecision,
)
from hearth.plans.reviews import ProgressInput
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.plans.conftest import attended, in_days, plan_with_one_action

pytestmark = pytest.mark.django_db


def _record(meeting, actor, **overrides):
    kwargs = {"actor": actor, "meeting": meeting, "version": meeting.version, "attendance": attended(meeting),
              "minutes": "We agreed a morning routine.", "family_views": "Jo wants mornings to be calmer.",
              "strengths": "Jo is committed", "needs": "School attendance", "next_review_on": in_days(42)}
    kwargs.update(overrides)
    return meetings.meeting_record(**kwargs)


# --- scheduling --------------------------------------------------------------------------------------------------


def test_scheduling_invites_practitioners_and_family_and_involves_practitioners(
        meeting_today, other_practitioner, family, parent, young_person):
    invited = Invitation.objects.filter(meeting=meeting_today)
    assert {i.user_id for i in invited if i.user_id} == {meeting_today.scheduled_by_id, other_practitioner.pk}
    assert {i.person_id for i in invited if i.person_id} == {parent.pk, young_person.pk}
    assert Involvement.objects.filter(family=family, user=other_practitioner, relationship=InvolvedAs.TAF_MEMBER,
                                      ended_at__isnull=True).exists()


def test_scheduling_emails_invitations_without_naming_the_family(meeting_today, other_practitioner, parent):
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
    result = _record(meeting_today, practitioner, attendance=attendance,
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
            _record(meeting_today, practitioner, next_review_on=day)
        assert exc.value.errors["next_review_on"] == "The next review date must be in the future"
    assert Meeting.objects.get(pk=meeting_today.pk).status == MeetingStatus.SCHEDULED


def test_default_review_date_is_the_councils_interval_after_the_meeting(episode):
    on = datetime.date(2030, 1, 7)
    assert review_dates.default_date(episode.family.council, on) == datetime.date(2030, 2, 18)


def test_every_invitee_needs_an_attendance_and_the_minutes_are_required(meeting_today, practitioner):
    first = meeting_today.invitations.first()
    with pytest.raises(ValidationFailed) as exc:
        _record(meeting_today, practitioner, attendance={first.pk: "attended"}, minutes="  ")
    assert exc.value.errors["minutes"] == "Enter the minutes of the meeting"
    assert len([k for k in exc.value.errors if k.startswith("attendance_")]) == 3


def test_a_meeting_that_has_not_happened_cannot_be_recorded(episode, practitioner):
    meeting = meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                        scheduled_for=timezone.now() + datetime.timedelta(days=5),
                                        location="School", practitioners=[practitioner])
    with pytest.raises(DomainError, match="has not happened yet"):
        _record(meeting, practitioner)


def test_a_stale_version_is_refused_and_nothing_is_saved(meeting_today, practitioner):
    _record(meeting_today, practitioner, minutes="First record")
    with pytest.raises(Conflict):
        _record(meeting_today, practitioner, version=1, minutes="Second record from an old page")
    assert Meeting.objects.get(pk=meeting_today.pk).minutes == "First record"


def test_the_first_meeting_needs_a_lead_when_the_episode_has_none(family, practitioner, parent):
    episode = cases.episode_open(actor=practitioner, family=family, reason="N4", level=3, lead=None)
    meeting = meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.INITIAL,
                                        scheduled_for=timezone.now(), location="School",
                                        practitioners=[practitioner])
    with pytest.raises(ValidationFailed) as exc:
        _record(meeting, practitioner)
    assert exc.value.errors["agreed_lead"] == "Choose the lead professional agreed at the meeting"
    _record(meeting, practitioner, agreed_lead=practitioner)
    episode.refresh_from_db()
    assert episode.lead_professional == practitioner


def test_an_agreed_lead_different_from_the_current_one_becomes_lead(meeting_today, practitioner,
                                                                   other_practitioner, episode):
    _record(meeting_today, practitioner, agreed_lead=other_practitioner)
    episode.refresh_from_db()
    assert episode.lead_professional == other_practitioner
    assert Meeting.objects.get(pk=meeting_today.pk).agreed_lead == other_practitioner


def test_a_team_member_who_does_not_manage_the_episode_cannot_change_the_lead(meeting_today, other_practitioner,
                                                                              make):
    newcomer = make("new.lead@example.test")
    cover(meeting_today.episode.family, other_practitioner)
    with pytest.raises(ValidationFailed) as exc:
        _record(meeting_today, other_practitioner, agreed_lead=newcomer)
    assert "Only the lead professional" in exc.value.errors["agreed_lead"]


def test_first_meeting_agrees_the_plan_when_assessment_completed_and_plan_has_outcome_and_action(
        meeting_today, practitioner, episode, completed_assessment):
    plan_with_one_action(practitioner, episode)
    result = _record(meeting_today, practitioner)
    episode.refresh_from_db()
    assert result.plan_agreed is True
    assert episode.status == EpisodeStatus.PLAN
    assert episode.status_changes.filter(transition="plan_agreed").exists()


def test_first_meeting_is_saved_but_plan_waits_for_the_assessment(meeting_today, practitioner, episode):
    plan_with_one_action(practitioner, episode)
    result = _record(meeting_today, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    assert Meeting.objects.get(pk=meeting_today.pk).status == MeetingStatus.HELD
    assert result.plan_agreed is False
    assert result.plan_waiting == ("The meeting has been saved. The plan becomes active once the Early Help "
                                   "Assessment is completed.")


def test_first_meeting_without_an_action_leaves_the_plan_waiting(meeting_today, practitioner, episode,
                                                                  completed_assessment):
    services.outcome_add(actor=practitioner, episode=episode, description="Calmer mornings")
    result = _record(meeting_today, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    assert "the plan has at least one action" in result.plan_waiting


def test_a_review_meeting_does_not_agree_the_plan(episode, practitioner, completed_assessment):
    plan_with_one_action(practitioner, episode)
    meeting = meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.REVIEW,
                                        scheduled_for=timezone.now(), location="School",
                                        practitioners=[practitioner])
    _record(meeting, practitioner)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT


# --- sending the notes ---------------------------------------------------------------------------------------


def test_notes_of_a_meeting_not_yet_recorded_are_refused(meeting_today, practitioner):
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
    _record(meeting_today, practitioner, attendance=attendance, child_views={young_person.pk: "Football please"})
    mail.outbox.clear()
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    sent = meetings.notes_send(actor=practitioner, meeting=meeting)
    # The young person has no email address: three of the four invited get the notes.
    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [practitioner.email, other_practitioner.email, parent.email])
    body = mail.outbox[0].body
    assert "Attended:\n- Pat Practitioner, Hill School\n- Family member\n- Family member" in body
    assert "Sent apologies:\n- Olu Other, Health visiting" in body
    assert "A child or young person aged 13: their views:\nFootball please" in body
    assert "We agreed a morning routine." in body
    assert "Morning routine chart (who: Pat Practitioner, Hill School; by" in body
    assert f"Next review: {in_days(42).day} {in_days(42):%B %Y}" in body
    assert "Jo Testfamily" not in body
    disclosures = Disclosure.objects.filter(kind=DisclosureKind.TAF_NOTES)
    assert sorted(d.recipient for d in disclosures) == sorted(m.to[0] for m in mail.outbox)
    assert disclosures.get(recipient=parent.email).person == parent
    assert disclosures.get(recipient=other_practitioner.email).recipient_agency == other_practitioner.agency
    assert Meeting.objects.get(pk=meeting.pk).notes_sent_at is not None


# --- the plan ------------------------------------------------------------------------------------------------


def test_an_action_without_an_owner_is_refused(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=practitioner, episode=episode, what="Call school", due_on=in_days(3))
    assert exc.value.errors == {"owner": "Choose who will do this"}


def test_an_action_with_two_owners_is_refused(episode, practitioner, parent):
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=practitioner, episode=episode, what="Call school", due_on=in_days(3),
                            owner_user=practitioner, owner_person=parent)
    assert exc.value.errors["owner"] == "Choose who will do this"
    assert not Action.objects.exists()


def test_an_action_without_a_date_is_refused(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=practitioner, episode=episode, what="Call school", due_on=None,
                            owner_user=practitioner)
    assert exc.value.errors == {"due_on": "Enter when it will be done by"}


def test_an_action_due_in_the_past_is_refused(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=practitioner, episode=episode, what="Call school", due_on=in_days(-1),
                            owner_user=practitioner)
    assert exc.value.errors["due_on"] == "The date it will be done by must be today or in the future"


def test_an_action_can_be_owned_by_an_agency_or_a_family_member(episode, practitioner, parent):
    agency = Agency.objects.get(name="Hill School")
    by_agency = services.action_add(actor=practitioner, episode=episode, what="Breakfast club place",
                                    due_on=timezone.localdate(), owner_agency=agency)
    by_parent = services.action_add(actor=practitioner, episode=episode, what="Bedtime at 8", due_on=in_days(1),
                                    owner_person=parent)
    assert by_agency.owner == agency and by_parent.owner == parent


def test_a_person_outside_the_family_cannot_own_an_action(episode, practitioner, make):
    from hearth.families import services as people

    other_family = people.family_create(actor=practitioner, name="The Otherfamily family")
    outsider = people.person_create(actor=practitioner, family=other_family, role="parent_pr",
                                    data={"given_name": "Kim", "family_name": "Otherfamily"})
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=practitioner, episode=episode, what="Call", due_on=in_days(1),
                            owner_person=outsider)
    assert exc.value.errors["owner"] == "Choose a member of this family"


def test_an_outcome_needs_a_description_and_a_known_area(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.outcome_add(actor=practitioner, episode=episode, description="", area="not_an_area")
    assert exc.value.errors == {"description": "Describe what the family wants to achieve",
                                "area": "Choose one of the council's outcome areas"}


def test_action_status_is_updated_with_a_version_check(episode, practitioner):
    _, action = plan_with_one_action(practitioner, episode)
    services.action_update_status(actor=practitioner, action=action, version=1, status=ActionStatus.DONE,
                                  note="Chart is on the fridge")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_on == timezone.localdate()
    with pytest.raises(Conflict):
        services.action_update_status(actor=practitioner, action=action, version=1,
                                      status=ActionStatus.IN_PROGRESS)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.version == 2


def test_nothing_can_be_added_to_the_plan_of_a_closed_episode(episode, practitioner):
    cases.episode_close(actor=practitioner, episode=episode, closure=cases.Closure(reason="outcomes_achieved"))
    episode.refresh_from_db()
    with pytest.raises(DomainError, match="closed"):
        services.outcome_add(actor=practitioner, episode=episode, description="Late outcome")


# --- reviews -------------------------------------------------------------------------------------------------


def _review(episode, actor, scores, outcome=None, **overrides):
    kwargs = {"actor": actor, "episode": episode, "held_on": timezone.localdate(), "summary": "Going well",
              "decision": ReviewDecision.CONTINUE, "next_review_on": in_days(42), "scores": scores,
              "progress": {outcome.pk: ProgressInput("partly_met", "Better mornings")} if outcome else {}}
    kwargs.update(overrides)
    return reviews.review_record(**kwargs)


def test_a_review_records_progress_scores_and_the_next_review(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    review = _review(episode, practitioner, scores, outcome)
    assert OutcomeProgress.objects.get(review=review).progress == "partly_met"
    reading = Reading.objects.get(review=review)
    assert reading.context == "review" and reading.taken_on == timezone.localdate()
    assert reading.scores.count() == len(scores)
    episode.refresh_from_db()
    assert episode.next_review_due == in_days(42)


def test_a_review_in_the_future_is_refused(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, held_on=in_days(1))
    assert exc.value.errors["held_on"] == "The review date must be today or in the past"


def test_continuing_needs_a_next_review_date_in_the_future(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, next_review_on=None)
    assert exc.value.errors["next_review_on"] == "Enter the date of the next review"
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, next_review_on=timezone.localdate())
    assert exc.value.errors["next_review_on"] == "The next review date must be in the future"


def test_progress_is_required_for_each_open_outcome(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, progress={})
    assert exc.value.errors == {
        f"progress_{outcome.pk}": "Say whether this outcome has been met, partly met or not met"}


def test_met_outcomes_are_marked_achieved(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    _review(episode, practitioner, scores, progress={outcome.pk: ProgressInput("met")})
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.ACHIEVED


def test_invalid_scores_save_nothing(episode, practitioner, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    bad = dict(scores)
    bad.pop(next(iter(bad)))
    with pytest.raises(ValidationFailed):
        _review(episode, practitioner, bad, outcome, progress={outcome.pk: ProgressInput("met")})
    assert not Review.objects.exists()
    assert not OutcomeProgress.objects.exists()
    assert not Reading.objects.exists()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.OPEN
    episode.refresh_from_db()
    assert episode.next_review_due is None


def test_stepping_down_changes_the_level_from_the_review(level_3_episode, practitioner, scores):
    _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_DOWN, new_level=2,
            level_reasons="Needs met by school and health visitor")
    level_3_episode.refresh_from_db()
    assert level_3_episode.level == 2
    assert LevelChange.objects.filter(episode=level_3_episode, level=2, source="review").exists()


def test_stepping_down_to_a_level_not_lower_is_refused(level_3_episode, practitioner, scores):
    for level in (3, 4, None):
        with pytest.raises(ValidationFailed) as exc:
            _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_DOWN, new_level=level,
                    level_reasons="Better")
        expected = ("Choose the new level of need" if level is None
                    else "To step down, choose a level lower than the current one (level 3, Complex)")
        assert exc.value.errors["new_level"] == expected
    assert not Review.objects.exists()


def test_stepping_up_to_a_level_not_higher_is_refused(level_3_episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(level_3_episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=2,
                level_reasons="Worse")
    assert exc.value.errors["new_level"] == "To step up, choose a level higher than the current one (level 3, Complex)"


def test_stepping_up_changes_the_level(episode, practitioner, scores):
    review = _review(episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=4,
                     level_reasons="Risk has increased", next_review_on=None)
    episode.refresh_from_db()
    assert episode.level == 4 and review.new_level == 4


def test_a_level_change_needs_reasons(episode, practitioner, scores):
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, decision=ReviewDecision.STEP_UP, new_level=4, level_reasons="")
    assert exc.value.errors["level_reasons"] == "Give the reasons for the change in the level of need"


def test_closing_at_a_review_keeps_the_episode_open_for_the_closure_page(episode, practitioner, scores):
    review = _review(episode, practitioner, scores, decision=ReviewDecision.CLOSE, next_review_on=None)
    episode.refresh_from_db()
    assert review.next_review_on is None and episode.is_open


def test_a_review_can_link_a_review_meeting_once(episode, practitioner, scores):
    meeting = meetings.meeting_schedule(actor=practitioner, episode=episode, kind=MeetingKind.REVIEW,
                                        scheduled_for=timezone.now(), location="School",
                                        practitioners=[practitioner])
    _review(episode, practitioner, scores, meeting=meeting)
    with pytest.raises(ValidationFailed) as exc:
        _review(episode, practitioner, scores, meeting=meeting)
    assert exc.value.errors["meeting"] == "That meeting already has a review recorded"


def test_a_practitioner_given_an_action_joins_the_team_around_the_family(episode, practitioner, make, family):
    newcomer = make("newcomer@example.test")
    services.action_add(actor=practitioner, episode=episode, what="Home visit", due_on=in_days(5),
                        owner_user=newcomer)
    assert Involvement.objects.filter(family=family, user=newcomer, relationship=InvolvedAs.TAF_MEMBER,
                                      ended_at__isnull=True).exists()


def test_the_plan_is_agreed_when_the_last_missing_piece_arrives_after_the_meeting(db):
    """Recording the first TAF before the outcome and action exist: adding them later agrees the plan."""
    from datetime import timedelta

    from django.utils import timezone

    from conftest import make_user
    from hearth.accounts.models import AgencyKind, Role
    from hearth.assessments.models import Assessment, AssessmentStatus
    from hearth.cases import services as cases
    from hearth.cases.models import EpisodeStatus
    from hearth.core import profiles
    from hearth.families import services as people
    from hearth.plans import services

    (council,) = profiles.load(only=["oxfordshire"])
    lead = make_user(council, "lead.person@example.test", [Role.PRACTITIONER], kind=AgencyKind.SCHOOL)
    family = people.family_create(actor=lead, name="The Laterplan family")
    episode = cases.episode_open(actor=lead, family=family, reason="N4", level=2, lead=lead)
    Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                              started_by=lead, completed_by=lead, completed_at=timezone.now())
    colleague = make_user(council, "col.league@example.test", [Role.PRACTITIONER], kind=AgencyKind.HEALTH_VISITING)
    meeting = meetings.meeting_schedule(actor=lead, episode=episode, kind="initial", scheduled_for=timezone.now(),
                                        location="School", practitioners=[colleague])
    result = meetings.meeting_record(actor=lead, meeting=meeting, version=meeting.version,
                                     attendance={i.pk: "attended" for i in meeting.invitations.all()},
                                     minutes="Agreed what to do", agreed_lead=lead,
                                     next_review_on=timezone.localdate() + timedelta(weeks=6))
    assert not result.plan_agreed and "at least one outcome" in result.plan_waiting
    outcome = services.outcome_add(actor=lead, episode=episode, description="Mornings go smoothly")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    services.action_add(actor=lead, episode=episode, what="Make a routine chart", owner_user=lead,
                        due_on=timezone.localdate() + timedelta(days=7), outcome=outcome)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PLAN
