"""Correcting and withdrawing outcomes, actions and meeting records (hearth.plans.corrections); who updates an
action (services.action_update_status); outcomes when Early Help closes because they were achieved (journey); a next
review later than the council's interval needs a reason (meetings, reviews)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.cases import services as cases
from hearth.cases.models import Episode
from hearth.core import personal_data
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.plans import corrections, selectors, services
from hearth.plans.models import Action, Correction, Meeting, OutcomeStatus, PlanOutcome
from tests.plans.conftest import attended, in_days, plan_with_one_action, record_meeting

pytestmark = pytest.mark.django_db


def _date(prefix: str, d: datetime.date) -> dict:
    return {f"{prefix}-day": d.day, f"{prefix}-month": d.month, f"{prefix}-year": d.year}


def _text(response) -> str:
    return response.content.decode()


def _follow(client, response):
    assert response.status_code == 302, _text(response)[:3000]
    return client.get(response["Location"])


# --- outcomes --------------------------------------------------------------------------------------------------


def test_correcting_an_outcome_keeps_the_earlier_wording_and_is_audited(practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="Sam goes to school",
                                area=outcome.area, status="open", reason="Typo in the outcome")
    outcome = PlanOutcome.objects.get(pk=outcome.pk)
    assert outcome.description == "Sam goes to school" and outcome.version == 2
    (c,) = Correction.objects.filter(kind="outcome", object_id=outcome.pk)
    assert c.change == "corrected" and c.reason == "Typo in the outcome"
    assert c.earlier == [["What the family wants to achieve", "Sam goes to school every day"]]
    assert AuditEvent.objects.filter(object_type="plans.planoutcome", object_id=str(outcome.pk),
                                     action="update").exists()


def test_a_reworded_outcome_needs_a_reason_and_a_stale_form_is_refused(practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    with pytest.raises(ValidationFailed) as exc:
        corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="Other words",
                                    area=outcome.area, status="open", reason=" ")
    assert exc.value.errors == {"reason": "Give the reason for the correction"}
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="First fix",
                                area=outcome.area, status="open", reason="Typo")
    with pytest.raises(Conflict):
        corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="Second fix",
                                    area=outcome.area, status="open", reason="Typo")
    assert PlanOutcome.objects.get(pk=outcome.pk).description == "First fix"


def test_recording_how_an_outcome_ended_needs_no_reason(practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description=outcome.description,
                                area=outcome.area, status=OutcomeStatus.NOT_ACHIEVED)
    assert PlanOutcome.objects.get(pk=outcome.pk).status == OutcomeStatus.NOT_ACHIEVED
    assert not Correction.objects.exists()


def test_withdrawing_an_outcome_takes_it_and_its_actions_out_of_the_live_plan(practitioner, episode):
    outcome, action = plan_with_one_action(practitioner, episode)
    with pytest.raises(ValidationFailed):
        corrections.outcome_withdraw(actor=practitioner, outcome=outcome, version=1, reason="")
    corrections.outcome_withdraw(actor=practitioner, outcome=outcome, version=1, reason="Wrong family")
    assert not PlanOutcome.objects.filter(pk=outcome.pk).exists()  # the live plan, copies, the review form
    assert not Action.objects.filter(pk=action.pk).exists()
    kept = PlanOutcome.all_objects.get(pk=outcome.pk)
    assert kept.withdrawn_reason == "Wrong family" and kept.withdrawn_by == practitioner
    assert Action.all_objects.get(pk=action.pk).withdrawn_reason == "Wrong family"
    plan = selectors.plan_detail(practitioner, episode)
    assert plan["open_outcomes"] == [] and [o.pk for o in plan["withdrawn_outcomes"]] == [outcome.pk]
    assert selectors.review_choices(practitioner, episode)["outcomes"] == []


def test_only_the_author_or_who_manages_the_episode_may_correct(practitioner, other_practitioner, episode, involve,
                                                               make):
    involve(episode.family, other_practitioner)
    outcome = services.outcome_add(actor=other_practitioner, episode=episode, description="Calmer mornings")
    # The author may; the lead professional may.
    corrections.outcome_correct(actor=other_practitioner, outcome=outcome, version=1, description="Calm mornings",
                                area="", status="open", reason="Typo")
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=2, description="Calm school mornings",
                                area="", status="open", reason="Clearer")
    third = make("tia.third@example.test", Role.PRACTITIONER)
    involve(episode.family, third)
    with pytest.raises(NotPermitted) as exc:
        corrections.outcome_withdraw(actor=third, outcome=outcome, version=3, reason="Not needed")
    assert "Only the person who added it, the lead professional" in exc.value.message
    assert PlanOutcome.objects.filter(pk=outcome.pk).exists()


# --- actions ---------------------------------------------------------------------------------------------------


def test_correcting_and_withdrawing_an_action(practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    corrections.action_correct(actor=practitioner, action=action, version=1, what="Morning routine chart on the "
                               "fridge", due_on=in_days(10), reason="Agreed a later date")
    action = Action.objects.get(pk=action.pk)
    assert action.due_on == in_days(10)
    (c,) = Correction.objects.filter(kind="action")
    assert c.earlier[0] == ["What will be done", "Morning routine chart"] and c.earlier[1][0] == "Done by"
    with pytest.raises(Conflict):
        corrections.action_withdraw(actor=practitioner, action=action, version=1, reason="Duplicate")
    corrections.action_withdraw(actor=practitioner, action=action, version=2, reason="Duplicate")
    assert not Action.objects.filter(pk=action.pk).exists()
    assert services.plan_blockers(episode)[-1] == "the plan has at least one action"


def test_a_correction_that_changes_nothing_is_refused(practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    with pytest.raises(ValidationFailed) as exc:
        corrections.action_correct(actor=practitioner, action=action, version=1, what=action.what,
                                   due_on=action.due_on, reason="x")
    assert "Change what will be done or the date" in exc.value.errors["what"]


# --- who updates an action -------------------------------------------------------------------------------------


def test_the_lead_updates_any_action_and_a_team_member_only_their_own(practitioner, other_practitioner, make,
                                                                     episode, involve):
    involve(episode.family, other_practitioner)
    outcome, lead_action = plan_with_one_action(practitioner, episode)
    theirs = services.action_add(actor=practitioner, episode=episode, what="Health visit", due_on=in_days(5),
                                 owner_user=other_practitioner, outcome=outcome)
    agencys = services.action_add(actor=practitioner, episode=episode, what="Agency check", due_on=in_days(5),
                                  owner_agency=other_practitioner.agency)
    services.action_update_status(actor=other_practitioner, action=theirs, version=1, status="in_progress")
    services.action_update_status(actor=other_practitioner, action=agencys, version=1, status="done")
    with pytest.raises(NotPermitted) as exc:
        services.action_update_status(actor=other_practitioner, action=lead_action, version=1, status="done")
    assert exc.value.message == services.ACTION_UPDATE_REFUSED
    services.action_update_status(actor=practitioner, action=theirs, version=2, status="done")
    assert Action.objects.get(pk=theirs.pk).status == "done"


def test_the_action_status_page_offers_no_button_to_someone_it_is_not_for(client_for, practitioner,
                                                                         other_practitioner, episode, involve):
    involve(episode.family, other_practitioner)
    _, lead_action = plan_with_one_action(practitioner, episode)
    client = client_for(other_practitioner)
    body = _text(client.get(reverse("plans:action_status", args=[lead_action.pk])))
    assert "Only the lead professional, or the practitioner or agency this action is for" in body
    assert 'name="status"' not in body and "Save" not in body.split('id="not-yours"')[-1]
    plan = _text(client.get(reverse("plans:plan", args=[episode.pk])))
    assert reverse("plans:action_status", args=[lead_action.pk]) not in plan
    response = client.post(reverse("plans:action_status", args=[lead_action.pk]),
                           {"status": "done", "note": "", "version": 1})
    assert response.status_code == 200 and "govuk-error-summary" in _text(response)
    assert "Only the lead professional, or the practitioner or agency" in _text(response)
    assert Action.objects.get(pk=lead_action.pk).status == "not_started"


# --- meeting records -------------------------------------------------------------------------------------------


def test_correcting_a_recorded_meeting_needs_a_reason_and_keeps_the_earlier_minutes(practitioner, meeting_today):
    record_meeting(meeting_today, practitioner)
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    with pytest.raises(ValidationFailed) as exc:
        record_meeting(meeting, practitioner, minutes="Better minutes")
    assert exc.value.errors == {"reason": "Give the reason for the correction"}
    record_meeting(meeting, practitioner, minutes="Better minutes", reason="Left out the routine")
    (c,) = Correction.objects.filter(kind="meeting", object_id=meeting.pk)
    assert ["Minutes", "We agreed a morning routine."] in c.earlier and c.reason == "Left out the routine"
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Better minutes"


def test_withdrawing_a_meeting_record_keeps_it_as_withdrawn(client_for, practitioner, meeting_today):
    record_meeting(meeting_today, practitioner)
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    corrections.meeting_withdraw(actor=practitioner, meeting=meeting, version=meeting.version,
                                 reason="Recorded on the wrong family")
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    client = client_for(practitioner)
    body = _text(client.get(reverse("plans:meeting", args=[meeting.pk])))
    assert "Withdrawn" in body and "Recorded on the wrong family" in body
    assert reverse("plans:meeting_record", args=[meeting.pk]) not in body
    withdrawn = Meeting.all_objects.get(pk=meeting.pk)
    with pytest.raises(DomainError) as exc:
        record_meeting(withdrawn, practitioner, reason="Again")
    assert exc.value.message == "This meeting record was withdrawn, so it can no longer be changed."


def test_an_item_withdrawn_meanwhile_cannot_be_corrected(practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    corrections.outcome_withdraw(actor=practitioner, outcome=outcome, version=1, reason="Added twice")
    with pytest.raises(Conflict) as exc:
        corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="Other words",
                                    area=outcome.area, status="open", reason="Typo")
    assert exc.value.message == "This outcome has been withdrawn, so it can no longer be changed."


# --- closing with the outcomes achieved ------------------------------------------------------------------------


def test_closing_because_outcomes_were_achieved_records_the_open_ones_as_achieved(client_for, practitioner,
                                                                                 episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    other = services.outcome_add(actor=practitioner, episode=episode, description="Jo sleeps better")
    corrections.outcome_correct(actor=practitioner, outcome=other, version=1, description=other.description,
                                area="", status=OutcomeStatus.NO_LONGER_NEEDED)
    cases.episode_close(actor=practitioner, episode=Episode.objects.get(pk=episode.pk),
                        closure=cases.Closure(reason="outcomes_achieved", open_actions="complete"))
    assert PlanOutcome.objects.get(pk=outcome.pk).status == OutcomeStatus.ACHIEVED
    assert PlanOutcome.objects.get(pk=other.pk).status == OutcomeStatus.NO_LONGER_NEEDED  # what was said stays
    body = _text(client_for(practitioner).get(reverse("plans:plan", args=[episode.pk])))
    assert body.index('id="closed-outcomes"') < body.index(f'id="outcome-{outcome.pk}"')
    assert "Outcomes still being worked towards" not in body
    assert "Marked achieved when Early Help closed: Desired outcomes have been achieved" in body


def test_close_early_help_from_the_episode_page_first_asks_how_each_outcome_ended(client_for, practitioner,
                                                                                   episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    final = reverse("plans:outcomes_final", args=[episode.pk])
    close = reverse("cases:episode_close", args=[episode.pk])
    page = _text(client.get(reverse("cases:episode", args=[episode.pk])))
    assert f'id="close-early-help" href="{final}"' in page
    assert "1 outcome still says “Working towards”. Closing starts with “Say how each outcome ended”." in page
    # Someone who goes straight to the closure page is told, with the outcome named and the way to settle it.
    page = _text(client.get(close))
    assert "1 outcome still says “Working towards”." in page and "Sam goes to school every day" in page
    assert f'href="{final}">Say how each outcome ended</a> before closing' in page
    response = client.post(final, {f"version_{outcome.pk}": 1, f"final_{outcome.pk}": "achieved"})
    assert response.status_code == 302 and response["Location"] == close
    assert "Working towards" not in _text(client.get(close))
    page = _text(client.get(reverse("cases:episode", args=[episode.pk])))
    assert f'id="close-early-help" href="{close}"' in page and 'id="first-step"' not in page


def test_closing_for_another_reason_leaves_the_outcomes_as_they_were(practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    cases.episode_close(actor=practitioner, episode=Episode.objects.get(pk=episode.pk),
                        closure=cases.Closure(reason="consent_withdrawn", open_actions="cancel"))
    assert PlanOutcome.objects.get(pk=outcome.pk).status == OutcomeStatus.OPEN


# --- a later next review needs a reason ------------------------------------------------------------------------


def test_a_review_date_beyond_the_councils_interval_needs_a_reason(practitioner, meeting_today, episode, council):
    weeks = council.review_interval_weeks or 6
    late = timezone.localdate() + datetime.timedelta(weeks=weeks, days=1)
    with pytest.raises(ValidationFailed) as exc:
        record_meeting(meeting_today, practitioner, next_review_on=late)
    assert f"The review should be within {weeks} weeks" in exc.value.errors["review_date_reason"]
    record_meeting(meeting_today, practitioner, next_review_on=late, review_date_reason="School holidays")
    assert Episode.objects.get(pk=episode.pk).next_review_due == late
    panel = selectors.episode_panel(practitioner, Episode.objects.get(pk=episode.pk))
    assert panel["review_date_reason"] == "School holidays"


def test_a_review_date_within_the_interval_needs_no_reason(practitioner, meeting_today, council):
    weeks = council.review_interval_weeks or 6
    record_meeting(meeting_today, practitioner, next_review_on=in_days(7 * weeks))
    assert Meeting.objects.get(pk=meeting_today.pk).review_date_reason == ""


# --- pages -----------------------------------------------------------------------------------------------------


def test_the_plan_page_corrects_an_outcome_and_shows_its_history(client_for, practitioner, episode):
    outcome, _ = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    url = reverse("plans:outcome_edit", args=[outcome.pk])
    page = _text(client.get(reverse("plans:plan", args=[episode.pk])))
    assert url in page
    response = client.post(url, {"description": "Sam is at school by 9", "area": outcome.area, "status": "open",
                                 "reason": "", "version": 1})
    body = _text(response)
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Give the reason for the correction" in body
    body = _text(_follow(client, client.post(url, {"description": "Sam is at school by 9", "area": outcome.area,
                                                   "status": "open", "reason": "Made it measurable",
                                                   "version": 1})))
    assert "The outcome has been changed." in body and "Sam is at school by 9" in body
    assert "Corrected on" in body and "Made it measurable" in body and "Sam goes to school every day" in body


def test_the_withdraw_page_asks_for_a_reason_and_the_plan_shows_it_withdrawn(client_for, practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    url = reverse("plans:action_withdraw", args=[action.pk])
    body = _text(client.post(url, {"reason": "", "version": 1}))
    assert "Give the reason for withdrawing it" in body
    body = _text(_follow(client, client.post(url, {"reason": "Added twice", "version": 1})))
    assert "The action has been withdrawn." in body
    assert 'id="withdrawn-action-' in body and "Added twice" in body


def test_a_stale_correction_form_is_refused_on_the_page(client_for, practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    corrections.action_correct(actor=practitioner, action=action, version=1, what="Chart", due_on=action.due_on,
                               reason="Shorter")
    body = _text(client_for(practitioner).post(reverse("plans:action_edit", args=[action.pk]), {
        "what": "My chart", **_date("due_on", action.due_on), "reason": "Mine", "version": 1}))
    assert "Someone else changed this action" in body
    assert Action.objects.get(pk=action.pk).what == "Chart"


def test_the_review_form_shows_the_reason_error_for_a_late_date(client_for, practitioner, episode, council):
    outcome, _ = plan_with_one_action(practitioner, episode)
    weeks = council.review_interval_weeks or 6
    data = {**_date("held_on", timezone.localdate()), "summary": "Calmer", "decision": "continue",
            **_date("next_review_on", timezone.localdate() + datetime.timedelta(weeks=weeks + 2)),
            f"progress_{outcome.pk}": "partly_met"}
    for area in council.outcome_areas:
        data[f"scores-score_{area['code']}"] = "6"
    body = _text(client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]), data))
    assert "govuk-error-summary" in body and f"The review should be within {weeks} weeks" in body
    data["review_date_reason"] = "The family is away for a month"
    response = client_for(practitioner).post(reverse("plans:review_new", args=[episode.pk]), data)
    assert response.status_code == 302
    page = _text(client_for(practitioner).get(reverse("cases:episode", args=[episode.pk])))
    assert "The family is away for a month" in page


def test_the_meeting_correction_page_asks_for_a_reason(client_for, practitioner, meeting_today):
    record_meeting(meeting_today, practitioner)
    meeting = Meeting.objects.get(pk=meeting_today.pk)
    client = client_for(practitioner)
    url = reverse("plans:meeting_record", args=[meeting.pk])
    assert "Why you are correcting the record" in _text(client.get(url))
    data = {"version": meeting.version, "family_views": "", "strengths": "", "needs": "",
            "minutes": "Corrected minutes", **_date("next_review_on", in_days(42)),
            **{f"attendance_{pk}": v for pk, v in attended(meeting).items()}}
    assert "Give the reason for the correction" in _text(client.post(url, data))
    body = _text(_follow(client, client.post(url, {**data, "reason": "Wrong minutes pasted"})))
    assert "The meeting record has been corrected." in body and "Wrong minutes pasted" in body
    assert "We agreed a morning routine." in body  # the earlier wording, kept


def test_no_correction_links_for_someone_who_may_not(client_for, practitioner, make, episode, involve):
    outcome, _ = plan_with_one_action(practitioner, episode)
    third = make("tia.third@example.test", Role.PRACTITIONER)
    involve(episode.family, third)
    client = client_for(third)
    page = _text(client.get(reverse("plans:plan", args=[episode.pk])))
    assert reverse("plans:outcome_edit", args=[outcome.pk]) not in page
    body = _text(client.get(reverse("plans:outcome_withdraw", args=[outcome.pk])))
    assert 'id="not-yours"' in body
    response = client.post(reverse("plans:outcome_withdraw", args=[outcome.pk]), {"reason": "x", "version": 1})
    assert response.status_code == 403
    assert PlanOutcome.objects.filter(pk=outcome.pk).exists()


def test_a_review_keeps_the_wording_the_outcome_had_when_it_was_recorded(client_for, practitioner, episode,
                                                                        council):
    from hearth.plans import reviews

    outcome, _ = plan_with_one_action(practitioner, episode)
    review = reviews.review_record(
        actor=practitioner, episode=episode, held_on=timezone.localdate(), summary="Calmer", decision="continue",
        progress={outcome.pk: reviews.ProgressInput("partly_met")}, next_review_on=in_days(42),
        scores={a["code"]: (6, None) for a in council.outcome_areas})
    corrections.outcome_correct(actor=practitioner, outcome=outcome, version=1, description="Sam is at school by 9",
                                area=outcome.area, status="open", reason="Made it measurable")
    body = _text(client_for(practitioner).get(reverse("plans:review", args=[review.pk])))
    assert "Sam goes to school every day" in body and "Since corrected to: Sam is at school by 9" in body


# --- before closing: how each outcome ended --------------------------------------------------------------------


def test_before_closing_the_lead_records_how_each_outcome_ended(practitioner, other_practitioner, episode, involve):
    outcome, _ = plan_with_one_action(practitioner, episode)
    other = services.outcome_add(actor=practitioner, episode=episode, description="Jo sleeps better")
    with pytest.raises(ValidationFailed) as exc:
        corrections.outcomes_final(actor=practitioner, episode=episode, answers={outcome.pk: ("achieved", 1)})
    assert set(exc.value.errors) == {f"final_{other.pk}"}
    involve(episode.family, other_practitioner)
    with pytest.raises(NotPermitted):
        corrections.outcomes_final(actor=other_practitioner, episode=episode,
                                   answers={outcome.pk: ("achieved", 1), other.pk: ("not_achieved", 1)})
    corrections.outcomes_final(actor=practitioner, episode=episode,
                               answers={outcome.pk: ("achieved", 1), other.pk: ("not_achieved", 1)})
    assert PlanOutcome.objects.get(pk=outcome.pk).status == "achieved"
    assert PlanOutcome.objects.get(pk=other.pk).status == "not_achieved"


def test_a_review_deciding_to_close_asks_how_each_outcome_ended_then_goes_to_closing(client_for, practitioner,
                                                                                  episode, council):
    outcome, _ = plan_with_one_action(practitioner, episode)
    client = client_for(practitioner)
    data = {**_date("held_on", timezone.localdate()), "summary": "All going well", "decision": "close",
            f"progress_{outcome.pk}": "partly_met"}
    for area in council.outcome_areas:
        data[f"scores-score_{area['code']}"] = "8"
    response = client.post(reverse("plans:review_new", args=[episode.pk]), data)
    final = reverse("plans:outcomes_final", args=[episode.pk])
    assert response.status_code == 302 and response["Location"] == final
    page = _text(client.get(final))
    assert "Now say how each outcome ended" in page and "Sam goes to school every day" in page
    body = _text(client.post(final, {f"version_{outcome.pk}": 1}))
    assert "govuk-error-summary" in body and "Say whether this outcome was achieved" in body
    response = client.post(final, {f"version_{outcome.pk}": 1, f"final_{outcome.pk}": "not_achieved"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:episode_close",
                                                                           args=[episode.pk])
    assert PlanOutcome.objects.get(pk=outcome.pk).status == "not_achieved"


def test_a_review_recorded_late_counts_the_interval_from_the_day_it_is_recorded(council):
    from hearth.cases import review_dates

    weeks = council.review_interval_weeks or 6
    today = datetime.date(2026, 6, 1)
    held = today - datetime.timedelta(weeks=10)
    latest = today + datetime.timedelta(weeks=weeks)
    assert review_dates.reason_problem(council, latest, "", from_date=held, today=today) == ""
    assert "within" in review_dates.reason_problem(council, latest + datetime.timedelta(days=1), "", from_date=held,
                                                   today=today)
    assert review_dates.reason_problem(council, latest + datetime.timedelta(days=1), "Holidays", from_date=held,
                                       today=today) == ""


def test_a_withdrawn_action_for_a_family_member_is_still_counted_before_their_erasure(practitioner, episode, parent):
    """A withdrawn action is still held, so the erasure page's count of rows about the person includes it."""
    action = services.action_add(actor=practitioner, episode=episode, what="Jo rings the school", due_on=in_days(3),
                                 owner_person=parent)
    corrections.action_withdraw(actor=practitioner, action=action, version=action.version, reason="Not agreed")
    assert personal_data.record_for("plans.action").rows_about(parent).count() == 1
