"""The plan (hearth.plans.services): its outcomes and actions, who may own an action, and the plan agreed once
the assessment, the first meeting, an outcome and an action are all in place."""

import pytest
from django.utils import timezone

from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency
from hearth.cases import services as cases
from hearth.cases.models import EpisodeStatus
from hearth.core.errors import Conflict, DomainError, ValidationFailed
from hearth.plans import services
from hearth.plans.models import Action, ActionStatus
from tests.plans.conftest import in_days, plan_with_one_action, record_meeting

pytestmark = pytest.mark.django_db


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


def test_a_practitioner_given_an_action_joins_the_team_around_the_family(episode, practitioner, make, family):
    newcomer = make("newcomer@example.test")
    services.action_add(actor=practitioner, episode=episode, what="Home visit", due_on=in_days(5),
                        owner_user=newcomer)
    assert Involvement.objects.filter(family=family, user=newcomer, relationship=InvolvedAs.TAF_MEMBER,
                                      ended_at__isnull=True).exists()


def test_the_plan_is_agreed_when_the_last_missing_piece_arrives_after_the_meeting(
        episode, practitioner, other_practitioner, completed_assessment, schedule):
    """Recording the first TAF before the outcome and action exist: adding them later agrees the plan."""
    meeting = schedule(episode, practitioners=[other_practitioner])
    result = record_meeting(meeting, practitioner, agreed_lead=practitioner)
    assert not result.plan_agreed and "at least one outcome" in result.plan_waiting
    outcome = services.outcome_add(actor=practitioner, episode=episode, description="Mornings go smoothly")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT
    services.action_add(actor=practitioner, episode=episode, what="Make a routine chart", owner_user=practitioner,
                        due_on=in_days(7), outcome=outcome)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PLAN
