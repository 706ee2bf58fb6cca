"""Episode services: opening, every named transition allowed and refused, level, lead, handover, closure, notes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments.models import Assessment, AssessmentStatus
from hearth.cases import notes, services
from hearth.cases.models import Episode, EpisodeStatus, HandoverStatus, LevelChange, StatusChange
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.plans.models import Action, ActionStatus
from hearth.sharing.models import Disclosure
from tests.queue import run_jobs

S = EpisodeStatus


def _set_status(episode, status):
    Episode.objects.filter(pk=episode.pk).update(status=status)
    episode.refresh_from_db()
    return episode


def _complete_assessment(episode, user):
    return Assessment.objects.create(episode=episode, family=episode.family, status=AssessmentStatus.COMPLETED,
                                     started_by=user, completed_by=user, completed_at=timezone.now())


def test_opening_an_episode_records_level_lead_and_status_and_involves_the_lead(level_3_episode, practitioner):
    assert level_3_episode.status == S.ASSESSMENT
    assert list(level_3_episode.level_changes.values_list("level", flat=True)) == [3]
    assert level_3_episode.lead_assignments.get().user == practitioner
    assert StatusChange.objects.get(episode=level_3_episode).transition == "opened"
    assert Involvement.objects.filter(family=level_3_episode.family, user=practitioner,
                                      relationship=InvolvedAs.LEAD_PROFESSIONAL, ended_at__isnull=True).exists()


def test_a_second_open_episode_is_refused_naming_the_lead_and_agency(episode, practitioner, family):
    with pytest.raises(Conflict) as exc:
        services.episode_open(actor=practitioner, family=family, reason="N1", level=2)
    assert "Pat Practitioner" in exc.value.message and "Hill School" in exc.value.message


def test_the_database_refuses_a_second_open_episode(episode, family):
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(family=family, origin="practitioner", reason="N1", level=2)


def test_a_new_episode_can_open_once_the_last_one_is_closed(episode, practitioner, family):
    services.episode_close(actor=practitioner, episode=episode, closure=services.Closure(reason="outcomes_achieved"))
    again = services.episode_open(actor=practitioner, family=family, reason="N1", level=2)
    assert again.is_open


def test_opening_needs_a_reason_and_a_level_from_one_to_four(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        services.episode_open(actor=practitioner, family=family, reason="X", level=5)
    assert set(exc.value.errors) == {"reason", "level"}


def test_someone_who_cannot_see_the_family_cannot_open_an_episode(other_practitioner, family):
    with pytest.raises(NotPermitted):
        services.episode_open(actor=other_practitioner, family=family, reason="N1", level=2)


# Every named transition from every status: allowed where the table says so, refused with the reason elsewhere.
CASES = [(name, status) for name in services.TRANSITIONS if name != "closed" for status in S.values]


@pytest.mark.parametrize(("name", "status"), CASES)
def test_every_transition_is_allowed_only_from_its_listed_statuses(episode, practitioner, name, status):
    _set_status(episode, status)
    _complete_assessment(episode, practitioner)
    transition = services.TRANSITIONS[name]
    if status in transition.sources:
        result = services.episode_transition(actor=practitioner, episode=episode, transition=name)
        assert result.status == (transition.target or S.ASSESSMENT)
        assert StatusChange.objects.filter(episode=episode, transition=name, from_status=status).exists()
    else:
        with pytest.raises(services.TransitionRefused) as exc:
            services.episode_transition(actor=practitioner, episode=episode, transition=name)
        assert "only possible when the status is" in exc.value.message
        assert Episode.objects.get(pk=episode.pk).status == status


def test_plan_agreed_needs_a_completed_assessment(episode, practitioner):
    with pytest.raises(services.TransitionRefused) as exc:
        services.episode_transition(actor=practitioner, episode=episode, transition="plan_agreed")
    assert "Complete the Early Help Assessment" in exc.value.message


def test_after_mash_the_episode_returns_to_its_plan_when_one_was_agreed(episode, practitioner):
    _complete_assessment(episode, practitioner)
    services.episode_transition(actor=practitioner, episode=episode, transition="plan_agreed")
    services.episode_transition(actor=practitioner, episode=episode, transition="step_up_sent")
    result = services.episode_transition(actor=practitioner, episode=episode, transition="mash_returned")
    assert result.status == S.PLAN


def test_early_help_continues_while_social_work_assesses_and_resumes_after(episode, practitioner):
    _complete_assessment(episode, practitioner)
    services.episode_transition(actor=practitioner, episode=episode, transition="plan_agreed")
    services.episode_transition(actor=practitioner, episode=episode, transition="step_up_sent")
    assert services.episode_transition(actor=practitioner, episode=episode,
                                       transition="social_work_started").status == S.SOCIAL_WORK
    assert services.episode_transition(actor=practitioner, episode=episode,
                                       transition="social_work_concluded").status == S.PLAN


def test_a_team_member_who_is_not_the_lead_cannot_change_the_status(episode, other_practitioner, involve):
    involve(episode.family, other_practitioner)
    with pytest.raises(NotPermitted):
        services.episode_transition(actor=other_practitioner, episode=episode, transition="step_up_sent")


def test_the_locality_coordinator_and_the_leads_manager_may_manage_the_episode(make, council, locality, team,
                                                                                 practitioner, family):
    family.locality = locality
    family.save()
    manager = make("mo.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    practitioner.team = team
    practitioner.save()
    coordinator = make("cat.coord@example.test", Role.COORDINATOR, team=team)
    episode = services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    assert policy.can_manage_episode(coordinator, episode)
    assert policy.can_manage_episode(manager, episode)
    services.episode_change_level(actor=manager, episode=episode, level=3, reasons="Needs have grown")
    assert Episode.objects.get(pk=episode.pk).level == 3


def test_level_changes_are_kept_over_time_with_reasons(level_3_episode, practitioner):
    services.episode_change_level(actor=practitioner, episode=level_3_episode, level=2, reasons="Things are calmer")
    assert list(LevelChange.objects.filter(episode=level_3_episode).values_list("level", flat=True)) == [3, 2]


def test_a_level_change_needs_reasons_and_a_level_from_one_to_four(episode, practitioner):
    with pytest.raises(ValidationFailed):
        services.episode_change_level(actor=practitioner, episode=episode, level=2, reasons=" ")
    with pytest.raises(ValidationFailed):
        services.episode_change_level(actor=practitioner, episode=episode, level=0, reasons="x")


def test_a_planned_handover_changes_the_lead_only_when_completed(episode, practitioner, other_practitioner):
    tomorrow = timezone.localdate() + timedelta(days=1)
    handover = services.handover_plan(actor=practitioner, episode=episode, to_user=other_practitioner,
                                      planned_for=tomorrow, notes="Meet the family together first")
    assert Episode.objects.get(pk=episode.pk).lead_professional == practitioner
    services.handover_complete(actor=practitioner, handover=handover)
    episode.refresh_from_db()
    assert episode.lead_professional == other_practitioner
    assert [a.user for a in episode.lead_assignments.all()] == [practitioner, other_practitioner]
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.COMPLETED
    # The previous lead stays in the team around the family; the new lead is the lead.
    assert Involvement.objects.filter(family=episode.family, user=practitioner, relationship=InvolvedAs.TAF_MEMBER,
                                      ended_at__isnull=True).exists()
    assert policy.can_manage_episode(other_practitioner, episode)
    assert not policy.can_manage_episode(practitioner, episode)


def test_a_handover_in_the_past_or_to_the_current_lead_is_refused(episode, practitioner, other_practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.handover_plan(actor=practitioner, episode=episode, to_user=practitioner,
                               planned_for=timezone.localdate() - timedelta(days=1))
    assert set(exc.value.errors) == {"to_user", "planned_for"}


def test_only_one_handover_can_be_planned_at_a_time(episode, practitioner, other_practitioner, make):
    day = timezone.localdate()
    services.handover_plan(actor=practitioner, episode=episode, to_user=other_practitioner, planned_for=day)
    third = make("tia.third@example.test", Role.PRACTITIONER)
    with pytest.raises(Conflict):
        services.handover_plan(actor=practitioner, episode=episode, to_user=third, planned_for=day)


def test_closing_records_the_reason_comments_evaluation_and_tells_the_early_help_team(episode, practitioner):
    council = episode.family.council
    council.contacts = {**council.contacts, "early_help_team_email": "earlyhelp@council.example"}
    council.save()
    closed = services.episode_close(actor=practitioner, episode=episode, closure=services.Closure(
        reason="outcomes_achieved", family_comments="We feel much more settled", evaluation_rating=5,
        evaluation="Having one person to call helped"))
    assert closed.status == S.CLOSED and closed.closed_on == timezone.localdate()
    assert closed.family_comments == "We feel much more settled"
    run_jobs()
    assert [m.to for m in mail.outbox] == [["earlyhelp@council.example"]]
    assert "Testfamily" not in mail.outbox[0].body  # no names in the notice
    assert Disclosure.objects.filter(family=episode.family, kind="closure_notice").exists()


def test_closing_needs_a_reason_from_the_councils_profile(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.episode_close(actor=practitioner, episode=episode, closure=services.Closure(reason="bored"))
    assert exc.value.errors == {"reason": "Choose why Early Help is closing"}


def test_moving_out_of_area_needs_the_area_and_whether_the_family_agreed_to_share(episode, practitioner):
    with pytest.raises(ValidationFailed) as exc:
        services.episode_close(actor=practitioner, episode=episode,
                               closure=services.Closure(reason="moved_out_of_area"))
    assert set(exc.value.errors) == {"new_area", "new_area_consent"}


def test_closing_with_open_actions_asks_what_happens_to_them(episode, practitioner):
    Action.objects.create(episode=episode, what="Attend the parenting course", owner_user=practitioner,
                          due_on=timezone.localdate() + timedelta(days=7))
    with pytest.raises(services.OpenActionsNeedDecision) as exc:
        services.episode_close(actor=practitioner, episode=episode,
                               closure=services.Closure(reason="outcomes_achieved"))
    assert "1 open action" in exc.value.message
    assert Episode.objects.get(pk=episode.pk).status == S.ASSESSMENT
    services.episode_close(actor=practitioner, episode=episode,
                           closure=services.Closure(reason="outcomes_achieved", open_actions="transfer"))
    assert Action.objects.get(episode=episode).status == ActionStatus.TRANSFERRED


def test_a_closed_episode_cannot_be_closed_again_or_change_level(episode, practitioner):
    services.episode_close(actor=practitioner, episode=episode, closure=services.Closure(reason="outcomes_achieved"))
    with pytest.raises(services.TransitionRefused):
        services.episode_close(actor=practitioner, episode=episode,
                               closure=services.Closure(reason="outcomes_achieved"))
    with pytest.raises(services.TransitionRefused):
        services.episode_change_level(actor=practitioner, episode=episode, level=2, reasons="x")
    for name in services.TRANSITIONS:
        if name != "closed":
            with pytest.raises(services.TransitionRefused):
                services.episode_transition(actor=practitioner, episode=episode, transition=name)


def test_a_closure_date_before_the_start_or_in_the_future_is_refused(episode, practitioner):
    for day in (episode.started_on - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationFailed) as exc:
            services.episode_close(actor=practitioner, episode=episode,
                                   closure=services.Closure(reason="outcomes_achieved", closed_on=day))
        assert "closed_on" in exc.value.errors


def test_notes_need_a_type_a_past_date_and_a_summary(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        notes.note_add(actor=practitioner, family=family, note_type="gossip",
                          occurred_on=timezone.localdate() + timedelta(days=1), summary="")
    assert set(exc.value.errors) == {"note_type", "occurred_on", "summary"}


def test_a_stale_note_edit_is_refused_and_only_the_author_may_edit(practitioner, other_practitioner, family,
                                                                   involve):
    note = notes.note_add(actor=practitioner, family=family, note_type="phone", occurred_on=timezone.localdate(),
                             summary="Called mum")
    notes.note_update(actor=practitioner, note=note, version=1, summary="Called mum about school",
                         body="", significant=False, note_type="phone", occurred_on=note.occurred_on,
                         reason="Said what the call was about")
    with pytest.raises(Conflict):
        notes.note_update(actor=practitioner, note=note, version=1, summary="Overwrite", body="",
                             significant=False, note_type="phone", occurred_on=note.occurred_on, reason="Typo")
    involve(family, other_practitioner)
    with pytest.raises(NotPermitted):
        notes.note_update(actor=other_practitioner, note=note, version=2, summary="Mine now", body="",
                             significant=False, note_type="phone", occurred_on=note.occurred_on, reason="Typo")


def test_the_lead_must_work_in_the_same_council(practitioner, family, other_council):
    from conftest import make_user

    outsider = make_user(other_council, "out@example.test", [Role.PRACTITIONER], kind=AgencyKind.SCHOOL)
    with pytest.raises(ValidationFailed):
        services.episode_open(actor=practitioner, family=family, reason="N1", level=2, lead=outsider)


def test_closing_leaves_a_draft_assessment_marked_not_completed_so_a_new_one_can_start(episode, practitioner,
                                                                                       family):
    draft = Assessment.objects.create(episode=episode, family=family, started_by=practitioner)
    services.episode_close(actor=practitioner, episode=episode, closure=services.Closure(reason="outcomes_achieved"))
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.NOT_COMPLETED
    again = services.episode_open(actor=practitioner, family=family, reason="N1", level=2)
    Assessment.objects.create(episode=again, family=family, started_by=practitioner)
