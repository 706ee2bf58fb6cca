import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import cover
from hearth.accounts.models import Role, Team
from hearth.cases import services as cases
from hearth.cases.models import Episode
from hearth.core.errors import NotPermitted
from hearth.families import services as people
from hearth.plans import reviews, selectors, services
from hearth.plans.models import Action, Meeting, PlanOutcome, Review, ReviewDecision
from hearth.plans.reviews import ProgressInput
from tests.plans.conftest import in_days, plan_with_one_action, record_meeting

pytestmark = pytest.mark.django_db


def _set_review(episode, days):
    Episode.objects.filter(pk=episode.pk).update(next_review_due=in_days(days))


def _episode_led_by(lead, name, *, locality=None, level=3):
    family = people.family_create(actor=lead, name=name, locality=locality)
    return cases.episode_open(actor=lead, family=family, reason="N4", level=level, lead=lead)


# --- due work ------------------------------------------------------------------------------------------------


def test_the_lead_sees_their_reviews_due_and_overdue_overdue_first(practitioner):
    soon = _episode_led_by(practitioner, "The Soon family")
    late = _episode_led_by(practitioner, "The Late family")
    later = _episode_led_by(practitioner, "The Later family")
    _set_review(soon, 10)
    _set_review(late, -3)
    _set_review(later, 20)
    due = selectors.due_work(practitioner)
    assert [e.family.name for e in due["reviews"]] == ["The Late family", "The Soon family"]
    assert [e.is_overdue for e in due["reviews"]] == [True, False]


def test_the_lead_sees_actions_they_own_and_actions_on_plans_they_lead(practitioner, other_practitioner, family,
                                                                      episode, involve):
    _, mine = plan_with_one_action(practitioner, episode)
    cover(family, other_practitioner)
    theirs = services.action_add(actor=practitioner, episode=episode, what="Health check", due_on=in_days(2),
                                 owner_user=other_practitioner)
    far = services.action_add(actor=practitioner, episode=episode, what="Later", due_on=in_days(30),
                              owner_user=practitioner)
    Action.objects.filter(pk=mine.pk).update(due_on=in_days(-2))
    due = selectors.due_work(practitioner)
    assert [a.pk for a in due["actions"]] == [mine.pk, theirs.pk]
    assert [a.is_overdue for a in due["actions"]] == [True, False] and far.pk not in [a.pk for a in due["actions"]]
    # The owner of an action sees it too, though they do not lead the plan.
    assert [a.pk for a in selectors.due_work(other_practitioner)["actions"]] == [theirs.pk]


def test_done_actions_and_closed_episodes_are_not_due(practitioner, episode):
    _, action = plan_with_one_action(practitioner, episode)
    services.action_update_status(actor=practitioner, action=action, version=1, status="done")
    _set_review(episode, 2)
    other = _episode_led_by(practitioner, "The Closed family")
    _set_review(other, -5)
    cases.episode_close(actor=practitioner, episode=Episode.objects.get(pk=other.pk),
                        closure=cases.Closure(reason="outcomes_achieved"))
    due = selectors.due_work(practitioner)
    assert due["actions"] == [] and [e.pk for e in due["reviews"]] == [episode.pk]


def test_the_coordinator_sees_every_episode_in_their_locality(make, council, locality, practitioner):
    north_team = Team.objects.create(agency=practitioner.agency, name="North EH", locality=locality)
    coordinator = make("coord@example.test", Role.COORDINATOR, team=north_team)
    central = council.localities.get(code="central")
    here = _episode_led_by(practitioner, "The North family", locality=locality)
    there = _episode_led_by(practitioner, "The Central family", locality=central)
    _set_review(here, 5)
    _set_review(there, 5)
    plan_with_one_action(practitioner, here)
    due = selectors.due_work(coordinator)
    assert [e.family.name for e in due["reviews"]] == ["The North family"]
    assert [a.episode_id for a in due["actions"]] == [here.pk]


def test_the_manager_sees_episodes_led_by_their_teams(make, practitioner):
    manager = make("manager@example.test", Role.MANAGER)
    team = Team.objects.create(agency=practitioner.agency, name="Family support", manager=manager)
    member = make("member@example.test", team=team)
    managed = _episode_led_by(member, "The Managed family")
    elsewhere = _episode_led_by(practitioner, "The Elsewhere family")
    _set_review(managed, -1)
    _set_review(elsewhere, -1)
    due = selectors.due_work(manager)
    assert [e.family.name for e in due["reviews"]] == ["The Managed family"]
    assert due["reviews"][0].is_overdue


def test_someone_with_no_families_has_nothing_due(make, practitioner, episode):
    _set_review(episode, 1)
    assert selectors.due_work(make("new@example.test"))["reviews"] == []


def test_due_work_takes_the_same_number_of_queries_for_one_or_many(practitioner):
    first = _episode_led_by(practitioner, "The First family")
    _set_review(first, 1)
    plan_with_one_action(practitioner, first)
    user = type(practitioner).objects.get(pk=practitioner.pk)
    with CaptureQueriesContext(connection) as one:
        selectors.due_work(user)
    for i in range(6):
        e = _episode_led_by(practitioner, f"The Many{i} family")
        _set_review(e, -i)
        plan_with_one_action(practitioner, e)
    user = type(practitioner).objects.get(pk=practitioner.pk)
    with CaptureQueriesContext(connection) as many:
        due = selectors.due_work(user)
    assert len(due["reviews"]) == 7 and len(due["actions"]) == 7
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_dashboard_panel_shows_overdue_and_due_soon_tags(practitioner, episode):
    _set_review(episode, -1)
    plan_with_one_action(practitioner, episode)
    html = render_to_string("plans/_dashboard_panel.html", {"due": selectors.due_work(practitioner)})
    assert "Reviews and actions due" in html
    assert 'govuk-tag--red">Overdue' in html and 'govuk-tag--yellow">Due soon' in html
    assert "The Testfamily family" in html and "Morning routine chart" in html


# --- the episode panel ---------------------------------------------------------------------------------------


def _render_panel(user, episode) -> tuple[int, str]:
    episode = Episode.objects.select_related("family__council").get(pk=episode.pk)
    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        panel = selectors.episode_panel(user, episode)
        html = render_to_string("plans/_episode_panel.html",
                                {"panel": panel, "episode": episode, "council": episode.family.council})
    return len(ctx.captured_queries), html


def _history(actor, episode, n):
    outcomes = PlanOutcome.objects.bulk_create(
        [PlanOutcome(episode=episode, description=f"Outcome {i}") for i in range(n)])
    Action.objects.bulk_create([Action(episode=episode, what=f"Action {i}", owner_user=actor, due_on=in_days(i),
                                       outcome=outcomes[i % len(outcomes)]) for i in range(n)])
    meetings = Meeting.objects.bulk_create([
        Meeting(episode=episode, scheduled_for=timezone.now() - datetime.timedelta(days=i), location="School")
        for i in range(n)])
    Review.objects.bulk_create([Review(episode=episode, held_on=timezone.localdate(), summary="ok",
                                       decision=ReviewDecision.CONTINUE, meeting=meetings[i]) for i in range(n)])


def test_the_episode_panel_takes_the_same_queries_for_one_review_or_thirty(practitioner, make):
    small = _episode_led_by(practitioner, "The Small family")
    big = _episode_led_by(practitioner, "The Big family")
    _history(practitioner, small, 1)
    _history(practitioner, big, 30)
    small_count, _ = _render_panel(practitioner, small)
    big_count, html = _render_panel(practitioner, big)
    assert big_count == small_count
    assert "Reviews (30)" in html and "Meetings (30)" in html
    assert "What the family wants to achieve (30 open)" in html
    assert html.count("Review on ") == 3


def test_the_episode_page_renders_thirty_reviews_and_two_hundred_notes_in_the_same_queries(
        practitioner, client_for):
    from hearth.cases.models import CaseNote

    small = _episode_led_by(practitioner, "The Small family")
    big = _episode_led_by(practitioner, "The Big family")
    _history(practitioner, small, 1)
    _history(practitioner, big, 30)
    CaseNote.objects.bulk_create([CaseNote(family=big.family, episode=big, note_type="phone",
                                           occurred_on=timezone.localdate(), summary=f"Call {i}", author=practitioner)
                                  for i in range(200)])
    client = client_for(practitioner)
    counts = []
    for e in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/episodes/{e.pk}")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert "Reviews (30)" in response.content.decode()


def test_the_episode_panel_is_refused_to_someone_who_cannot_see_the_family(make, episode):
    with pytest.raises(NotPermitted):
        selectors.episode_panel(make("stranger@example.test"), episode)


# --- print bundles -------------------------------------------------------------------------------------------


def test_plan_for_print_has_everything_loaded(practitioner, meeting_today, episode, young_person, scores):
    outcome, action = plan_with_one_action(practitioner, episode)
    services.action_add(actor=practitioner, episode=episode, what="Unlinked", due_on=in_days(3),
                        owner_user=practitioner)
    record_meeting(meeting_today, practitioner, minutes="Notes", child_views={young_person.pk: "Football"})
    user = type(practitioner).objects.get(pk=practitioner.pk)
    bundle = selectors.plan_for_print(user, episode)
    with CaptureQueriesContext(connection) as ctx:
        assert [a.what for a in bundle["outcomes"][0].plan_actions] == ["Morning routine chart"]
        assert bundle["outcomes"][0].area_name == "Education and learning"
        assert [a.what for a in bundle["unlinked_actions"]] == ["Unlinked"]
        assert bundle["actions"][0].owner_user.agency.name == "Hill School"
        meeting = bundle["latest_meeting"]
        assert meeting.pk == meeting_today.pk
        assert {i.get_attendance_display() for i in meeting.invitations.all()} == {"Attended"}
        assert [(v.child.given_name, v.views) for v in meeting.child_views.all()] == [("Sam", "Football")]
        assert meeting.agreed_lead.agency.name == "Hill School"
        assert bundle["family"].council.name == "Oxfordshire County Council"
    assert ctx.captured_queries == []


def test_review_for_print_has_progress_and_scores_with_the_previous_reading(practitioner, episode, scores):
    outcome, _ = plan_with_one_action(practitioner, episode)
    first = reviews.review_record(actor=practitioner, episode=episode, held_on=timezone.localdate(), summary="First",
                                   decision="continue", progress={outcome.pk: ProgressInput("not_met")},
                                   scores=scores, next_review_on=in_days(30))
    better = {code: (7, 8) for code in scores}
    second = reviews.review_record(actor=practitioner, episode=episode, held_on=timezone.localdate(),
                                    summary="Second", decision="continue",
                                    progress={outcome.pk: ProgressInput("partly_met", "Better")},
                                    scores=better, next_review_on=in_days(30))
    bundle = selectors.review_for_print(practitioner, second)
    with CaptureQueriesContext(connection) as ctx:
        assert [(p.outcome.description, p.progress, p.comment) for p in bundle["progress"]] == [
            ("Sam goes to school every day", "partly_met", "Better")]
        assert bundle["scores"][0] == {"code": "physical_health", "name": "Physical health", "score": 7,
                                       "family_score": 8, "previous": 5}
        assert len(bundle["scores"]) == 10
        assert bundle["previous_reading"].review_id == first.pk
    assert ctx.captured_queries == []


def test_print_bundles_are_refused_to_someone_who_cannot_see_the_family(make, practitioner, episode, scores):
    review = reviews.review_record(actor=practitioner, episode=episode, held_on=timezone.localdate(),
                                    summary="ok", decision="continue", progress={}, scores=scores,
                                    next_review_on=in_days(30))
    stranger = make("stranger@example.test")
    with pytest.raises(NotPermitted):
        selectors.plan_for_print(stranger, episode)
    with pytest.raises(NotPermitted):
        selectors.review_for_print(stranger, review)


def test_the_schedule_choices_put_the_involved_first_and_preselect_young_people(
        practitioner, other_practitioner, episode, parent, young_person, young_child):
    choices = selectors.schedule_choices(practitioner, episode)
    assert practitioner in choices["involved"] and other_practitioner in choices["others"]
    assert set(choices["preselected_members"]) == {parent.pk, young_person.pk}



