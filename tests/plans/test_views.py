import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearth.access.models import Involvement
from hearth.cases import services as cases
from hearth.cases.models import Episode
from hearth.plans.models import Action, Meeting, MeetingStatus, PlanOutcome, Review
from hearth.sharing.models import Disclosure
from tests.plans.conftest import attended, in_days, plan_with_one_action, record_meeting
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _date(prefix: str, d: datetime.date) -> dict:
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _text(response) -> str:
    return response.content.decode()


def _follow(client, response):
    assert response.status_code == 302, _text(response)[:3000]
    return client.get(response["Location"])


# --- arranging a meeting -------------------------------------------------------------------------------------


def test_the_meeting_page_lists_involved_practitioners_and_preselects_young_people(
        client_for, practitioner, other_practitioner, episode, parent, young_person, young_child):
    body = _text(client_for(practitioner).get(reverse("plans:meeting_new", args=[episode.pk])))
    assert "Pat Practitioner, Hill School" in body
    # Not involved yet: offered in the select of the council's other practitioners.
    assert re.search(rf'<option value="{other_practitioner.pk}"[^>]*>\s*Olu Other, Health visiting', body)
    assert re.search(rf'name="family_members" type="checkbox" value="{young_person.pk}" checked', body)
    assert re.search(rf'name="family_members" type="checkbox" value="{parent.pk}" checked', body)
    assert not re.search(rf'name="family_members" type="checkbox" value="{young_child.pk}" checked', body)
    assert "Sam Testfamily (child or young person, aged 13)" in body


def test_arranging_a_meeting_in_the_past_shows_the_error(client_for, practitioner, episode):
    response = client_for(practitioner).post(reverse("plans:meeting_new", args=[episode.pk]), {
        "kind": "initial", **_date("date", in_days(-1)), "time": "10:30", "location": "School",
        "practitioners": [practitioner.pk]})
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert "The meeting date must be today or in the future" in _text(response)
    assert not Meeting.objects.exists()


def test_a_time_that_is_not_a_time_is_refused(client_for, practitioner, episode):
    response = client_for(practitioner).post(reverse("plans:meeting_new", args=[episode.pk]), {
        "kind": "initial", **_date("date", in_days(3)), "time": "half ten", "location": "School",
        "practitioners": [practitioner.pk]})
    assert "Enter the time like 10:30 or 2:30pm" in _text(response)


def test_arranging_a_meeting_invites_and_involves_another_practitioner(
        client_for, practitioner, other_practitioner, episode, family, parent, young_person):
    client = client_for(practitioner)
    response = client.post(reverse("plans:meeting_new", args=[episode.pk]), {
        "kind": "initial", **_date("date", in_days(7)), "time": "2:30pm", "location": "Hill School family room",
        "practitioners": [practitioner.pk], "also_1": other_practitioner.pk,
        "family_members": [parent.pk, young_person.pk]})
    page = _follow(client, response)
    body = _text(page)
    assert "The meeting has been arranged and the invitations have been sent." in body
    assert "Hill School family room" in body and "2:30pm" in body
    assert "Olu Other" in body and "Sam Testfamily" in body
    assert Involvement.objects.filter(family=family, user=other_practitioner, ended_at__isnull=True).exists()
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([practitioner.email, other_practitioner.email,
                                                          parent.email])
    # The meeting is next week, so it cannot be recorded yet.
    assert "Record the meeting" not in body


def test_a_practitioner_not_involved_cannot_arrange_a_meeting(client_for, make, episode):
    response = client_for(make("stranger@example.test")).get(reverse("plans:meeting_new", args=[episode.pk]))
    assert response.status_code == 403
    assert "Testfamily" not in _text(response)


# --- recording a meeting -------------------------------------------------------------------------------------


def _record_data(meeting, **overrides):
    data = {"version": meeting.version, "family_views": "Jo wants calmer mornings", "strengths": "Warm family",
            "needs": "Attendance", "minutes": "We agreed a routine.", **_date("next_review_on", in_days(42))}
    data.update({f"attendance_{pk}": v for pk, v in attended(meeting).items()})
    data.update(overrides)
    return data


def test_recording_shows_a_box_for_each_child_and_defaults_the_review_date(
        client_for, practitioner, meeting_today, young_person, young_child):
    body = _text(client_for(practitioner).get(reverse("plans:meeting_record", args=[meeting_today.pk])))
    assert "Sam Testfamily (aged 13): their views" in body
    assert "Ava Testfamily (aged 6): their views" in body
    default = in_days(42)  # six weeks (the council's interval) after a meeting held today
    for part, value in (("day", default.day), ("month", default.month), ("year", default.year)):
        assert re.search(rf'name="next_review_on-{part}"[^>]*value="{value}"', body)


def test_recording_with_a_review_date_in_the_past_shows_the_error(client_for, practitioner, meeting_today):
    client = client_for(practitioner)
    response = client.post(reverse("plans:meeting_record", args=[meeting_today.pk]),
                           _record_data(meeting_today, **_date("next_review_on", in_days(-1)),
                                        minutes="Keep this text"))
    body = _text(response)
    assert response.status_code == 200
    assert "The next review date must be in the future" in body
    assert "Keep this text" in body
    assert Meeting.objects.get(pk=meeting_today.pk).status == MeetingStatus.SCHEDULED


def test_recording_without_attendance_asks_for_it(client_for, practitioner, meeting_today):
    data = _record_data(meeting_today)
    first = meeting_today.invitations.first()
    del data[f"attendance_{first.pk}"]
    body = _text(client_for(practitioner).post(reverse("plans:meeting_record", args=[meeting_today.pk]), data))
    assert "Say whether this person attended, sent apologies or did not attend" in body


def test_recording_the_first_meeting_tells_the_user_the_plan_waits_for_the_assessment(
        client_for, practitioner, meeting_today, young_person, episode):
    plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    response = client.post(reverse("plans:meeting_record", args=[meeting_today.pk]),
                           _record_data(meeting_today, **{f"child_view_{young_person.pk}": "I like football"}))
    body = _text(_follow(client, response))
    assert "The plan becomes active once the Early Help Assessment is completed." in body
    assert "I like football" in body and "We agreed a routine." in body
    assert "Send the notes" in body


def test_recording_the_first_meeting_agrees_the_plan(client_for, practitioner, meeting_today, episode,
                                                     completed_assessment):
    plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    response = client.post(reverse("plans:meeting_record", args=[meeting_today.pk]), _record_data(meeting_today))
    assert "The plan has been agreed and is now active." in _text(_follow(client, response))
    assert Episode.objects.get(pk=episode.pk).status == "plan"


def test_a_stale_record_keeps_the_users_text_and_warns(client_for, practitioner, meeting_today):
    record_meeting(meeting_today, practitioner, minutes="Someone else's minutes")
    response = client_for(practitioner).post(reverse("plans:meeting_record", args=[meeting_today.pk]),
                                             _record_data(meeting_today, version=1, minutes="My own minutes"))
    body = _text(response)
    assert "Someone else changed this meeting record" in body
    assert "My own minutes" in body
    assert Meeting.objects.get(pk=meeting_today.pk).minutes == "Someone else's minutes"


# --- sending the notes ---------------------------------------------------------------------------------------


def test_sending_notes_of_a_meeting_not_recorded_is_refused(client_for, practitioner, meeting_today):
    client = client_for(practitioner)
    run_jobs()  # the invitations go first
    mail.outbox.clear()
    response = client.post(reverse("plans:meeting_send", args=[meeting_today.pk]))
    assert "Record the meeting before sending its notes." in _text(_follow(client, response))
    assert mail.outbox == []


def test_sending_the_notes_emails_everyone_invited_and_records_disclosures(
        client_for, practitioner, other_practitioner, parent, meeting_today):
    record_meeting(meeting_today, practitioner, minutes="We agreed a routine.")
    run_jobs()  # the invitations go first
    mail.outbox.clear()
    client = client_for(practitioner)
    response = client.post(reverse("plans:meeting_send", args=[meeting_today.pk]))
    body = _text(_follow(client, response))
    assert "The notes have been emailed to 3 people." in body
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([practitioner.email, other_practitioner.email,
                                                          parent.email])
    assert Disclosure.objects.filter(kind="taf_notes").count() == 3


def test_sending_needs_a_post(client_for, practitioner, meeting_today):
    assert client_for(practitioner).get(reverse("plans:meeting_send", args=[meeting_today.pk])).status_code == 405


# --- the plan ------------------------------------------------------------------------------------------------


def test_adding_an_outcome_and_an_action_shows_them_on_the_plan(client_for, practitioner, episode, parent):
    client = client_for(practitioner)
    response = client.post(reverse("plans:outcome_new", args=[episode.pk]),
                           {"description": "Calmer mornings", "area": "family_routine"})
    _follow(client, response)
    outcome = PlanOutcome.objects.get()
    response = client.post(reverse("plans:action_new", args=[episode.pk]), {
        "what": "Make a morning chart", "outcome": outcome.pk, "owner_person": parent.pk,
        **_date("due_on", in_days(10))})
    body = _text(_follow(client, response))
    assert "The action has been added to the plan." in body
    assert "Calmer mornings" in body and "Outcome area: Family routine" in body
    assert "Make a morning chart" in body and "Jo Testfamily (family)" in body


def test_an_action_without_an_owner_or_date_shows_both_errors(client_for, practitioner, episode):
    response = client_for(practitioner).post(reverse("plans:action_new", args=[episode.pk]), {"what": "Call"})
    body = _text(response)
    assert "There is a problem" in body
    assert "Choose who will do this" in body and "Enter when it will be done by" in body
    assert not Action.objects.exists()


def test_an_action_with_two_owners_is_refused_on_the_page(client_for, practitioner, episode, parent):
    response = client_for(practitioner).post(reverse("plans:action_new", args=[episode.pk]), {
        "what": "Call", "owner_user": practitioner.pk, "owner_person": parent.pk, **_date("due_on", in_days(2))})
    assert "Choose who will do this" in _text(response)
    assert not Action.objects.exists()


def test_an_outcome_added_from_a_meeting_returns_to_the_meeting(client_for, practitioner, meeting_today, episode):
    client = client_for(practitioner)
    response = client.post(reverse("plans:outcome_new", args=[episode.pk]) + f"?meeting={meeting_today.pk}",
                           {"description": "Sam enjoys school", "area": ""})
    assert response["Location"] == reverse("plans:meeting", args=[meeting_today.pk])
    assert PlanOutcome.objects.get().meeting == meeting_today


def test_updating_an_action_status_and_a_stale_update(client_for, practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    url = reverse("plans:action_status", args=[action.pk])
    body = _text(_follow(client, client.post(url, {"status": "in_progress", "note": "Started", "version": 1})))
    assert "The action has been updated." in body and "In progress" in body
    response = client.post(url, {"status": "done", "note": "My late note", "version": 1})
    assert "Someone else changed this action" in _text(response) and "My late note" in _text(response)
    assert Action.objects.get().status == "in_progress"


# --- reviews -------------------------------------------------------------------------------------------------


def _review_data(council, outcome=None, **overrides):
    data = {**_date("held_on", timezone.localdate()), "summary": "Mornings are calmer", "family_views": "Happier",
            "decision": "continue", **_date("next_review_on", in_days(42))}
    for area in council.outcome_areas:
        data[f"scores-score_{area['code']}"] = "6"
    if outcome:
        data[f"progress_{outcome.pk}"] = "partly_met"
        data[f"comment_{outcome.pk}"] = "Two late days"
    data.update(overrides)
    return data


def test_recording_a_review_shows_progress_and_scores(client_for, practitioner, episode, council):
    outcome, _ = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    response = client.post(reverse("plans:review_new", args=[episode.pk]), _review_data(council, outcome))
    body = _text(_follow(client, response))
    assert "The review has been recorded." in body
    assert "Partly met" in body and "Two late days" in body
    assert "Physical health" in body and "Continue the plan" in body
    assert Episode.objects.get(pk=episode.pk).next_review_due == in_days(42)


def test_the_review_page_shows_the_score_fields(client_for, practitioner, episode):
    body = _text(client_for(practitioner).get(reverse("plans:review_new", args=[episode.pk])))
    assert 'name="scores-score_physical_health"' in body
    assert "Progress against each outcome" in body


def test_a_review_with_a_missing_score_saves_nothing(client_for, practitioner, episode, council):
    outcome, _ = plan_with_one_action(practitioner, episode)
    data = _review_data(council, outcome, **{"scores-score_physical_health": ""})
    response = client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]), data)
    body = _text(response)
    assert response.status_code == 200
    assert "Enter a score from 1 to 10 for Physical health" in body
    assert not Review.objects.exists()


def test_every_problem_with_a_review_is_shown_at_once(client_for, practitioner, episode, council):
    data = _review_data(council, summary="", decision="", **{"scores-score_home_and_money": "11"})
    body = _text(client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]), data))
    assert "Summarise how the plan is going" in body
    assert "Choose what happens next" in body
    assert "The score for Home and money must be a whole number from 1 to 10" in body
    assert not Review.objects.exists()


def test_a_review_without_progress_for_an_outcome_is_refused(client_for, practitioner, episode, council):
    outcome, _ = plan_with_one_action(practitioner, episode)
    data = _review_data(council, outcome)
    del data[f"progress_{outcome.pk}"]
    body = _text(client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]), data))
    assert "Say whether this outcome has been met, partly met or not met" in body
    assert not Review.objects.exists()


def test_stepping_down_to_a_level_not_lower_shows_the_error(client_for, practitioner, level_3_episode, council):
    data = _review_data(council, decision="step_down", new_level="3", level_reasons="Better")
    body = _text(client_for(practitioner).post(reverse("plans:review_new", args=[level_3_episode.pk]), data))
    assert "To step down, choose a level lower than the current one (level 3, Complex)" in body
    assert not Review.objects.exists()


def test_stepping_up_links_to_the_step_up_referral(client_for, practitioner, episode, council):
    client = client_for(practitioner)
    data = _review_data(council, decision="step_up", new_level="4", level_reasons="Risk has increased")
    body = _text(_follow(client, client.post(reverse("plans:review_new", args=[episode.pk]), data)))
    assert "Now make the step-up referral to MASH." in body
    assert f'href="/episodes/{episode.pk}/step-up"' in body
    assert Episode.objects.get(pk=episode.pk).level == 4


def test_closing_at_a_review_goes_to_the_close_page(client_for, practitioner, episode, council):
    response = client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]),
                                             _review_data(council, decision="close"))
    assert response.status_code == 302
    assert response["Location"] == f"/episodes/{episode.pk}/close"
    assert Review.objects.get().decision == "close"


# --- due work ------------------------------------------------------------------------------------------------


def test_the_due_work_page_lists_overdue_reviews_and_actions(client_for, practitioner, episode):
    Episode.objects.filter(pk=episode.pk).update(next_review_due=in_days(-2))
    plan_with_one_action(practitioner, episode)
    body = _text(client_for(practitioner).get(reverse("plans:due_work")))
    assert "Reviews and actions due" in body
    assert "Reviews due, earliest first" in body and "Actions due, earliest first" in body
    assert "The Testfamily family" in body and "Morning routine chart" in body
    assert "Overdue" in body and "Due soon" in body


def test_the_plan_page_and_meeting_page_are_refused_to_a_stranger(client_for, make, episode, meeting_today):
    client = client_for(make("stranger@example.test"))
    assert client.get(reverse("plans:plan", args=[episode.pk])).status_code == 403
    assert client.get(reverse("plans:meeting", args=[meeting_today.pk])).status_code == 403


# --- a closed episode ----------------------------------------------------------------------------------------

CLOSED = "This episode is closed."


def test_a_closed_episode_offers_no_forms_to_add_to_or_change_its_plan_meetings_or_reviews(
        client_for, practitioner, episode, meeting_today):
    _outcome, action = plan_with_one_action(practitioner, episode)
    cases.episode_close(actor=practitioner, episode=Episode.objects.get(pk=episode.pk),
                        closure=cases.Closure(reason="outcomes_achieved", open_actions="transfer"))
    client = client_for(practitioner)
    start_again = reverse("cases:episode_start", args=[episode.family_id])

    for page in (reverse("cases:episode", args=[episode.pk]), reverse("plans:plan", args=[episode.pk]),
                 reverse("plans:meeting", args=[meeting_today.pk])):
        body = _text(client.get(page))
        assert 'class="govuk-inset-text" id="episode-closed"' in body, page
        assert CLOSED in body and start_again in body and "to record more." in body
        for offer in ("Arrange a meeting", "Record a review", "Add an outcome", "Add an action", "Record the meeting",
                      reverse("plans:action_status", args=[action.pk])):
            assert offer not in body, (page, offer)

    for form_page in (reverse("plans:meeting_new", args=[episode.pk]), reverse("plans:review_new", args=[episode.pk]),
                      reverse("plans:outcome_new", args=[episode.pk]), reverse("plans:action_new", args=[episode.pk]),
                      reverse("plans:action_status", args=[action.pk]),
                      reverse("plans:meeting_record", args=[meeting_today.pk])):
        response = client.get(form_page)
        body = _text(response)
        assert response.status_code == 200 and CLOSED in body, form_page
        assert '<form method="post" novalidate>' not in body and 'name="submission_key"' not in body, form_page


def test_a_form_sent_for_a_closed_episode_is_still_refused_on_save(client_for, practitioner, episode):
    cases.episode_close(actor=practitioner, episode=Episode.objects.get(pk=episode.pk),
                        closure=cases.Closure(reason="outcomes_achieved"))
    client = client_for(practitioner)
    body = _text(client.post(reverse("plans:outcome_new", args=[episode.pk]), {
        "description": "Late outcome", "area": "education_and_learning"}))
    assert not PlanOutcome.objects.filter(episode=episode).exists()
    assert "closed" in body
