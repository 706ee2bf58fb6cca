"""Completing the assessment (the background and the outcome scores are needed) and starting a new version of a
completed one, which copies what was sent and leaves the old one locked."""

import pytest
from django.utils import timezone

from hearth.assessments import services
from hearth.assessments.models import Assessment, AssessmentStatus, ContributionStatus, SectionKey, ViewMethod
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases import services as cases_services
from hearth.cases.models import EpisodeStatus
from hearth.core.errors import Conflict, ValidationFailed
from tests.assessments.conftest import close, invite

pytestmark = pytest.mark.django_db


# --- scores and completing ------------------------------------------------------------------------------


def test_completing_without_the_background_is_refused_naming_the_section(practitioner, assessment, record_scores):
    record_scores(practitioner, assessment)
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_complete(actor=practitioner, assessment=assessment)
    assert refused.value.errors == {
        "background": "Complete 'Family background and reason for the assessment' before completing the assessment"}
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT


def test_completing_without_outcome_scores_is_refused(practitioner, assessment, write_background):
    write_background(assessment)
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_complete(actor=practitioner, assessment=assessment)
    assert set(refused.value.errors) == {"scores"}


def test_scores_recorded_through_the_assessment_are_linked_to_it(practitioner, assessment, council):
    scores = {area["code"]: (4, 6) for area in council.outcome_areas}
    reading = services.assessment_scores_record(actor=practitioner, assessment=assessment,
                                                taken_on=timezone.localdate(), scores=scores)
    assert reading.assessment == assessment and reading.context == "assessment"
    assert reading.scores.count() == len(council.outcome_areas)


def test_completing_locks_the_assessment_and_records_who_and_when(practitioner, completed):
    assert completed.status == AssessmentStatus.COMPLETED
    assert completed.completed_by == practitioner and completed.completed_at is not None
    assert completed.is_locked
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="assessments.assessment",
                                     object_id=str(completed.pk), detail__completed=True).exists()
    with pytest.raises(services.AssessmentLocked):
        services.assessment_complete(actor=practitioner, assessment=completed)


def test_completing_lets_the_episode_agree_its_plan(practitioner, completed):
    episode = cases_services.episode_transition(actor=practitioner, episode=completed.episode,
                                                transition="plan_agreed")
    assert episode.status == EpisodeStatus.PLAN


# --- new versions ----------------------------------------------------------------------------------------


def test_a_new_version_copies_everything_sent_and_the_old_stays_locked(practitioner, assessment, health_visitor,
                                                                       gp, members, record_scores,
                                                                       write_background):
    write_background(assessment, facts="Background facts", opinions="Background view")
    view = assessment.child_views.get(child=members["max"])
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.WISHES_AND_FEELINGS,
                             in_their_words="I wish for a dog", worker_reflection="Wants calm at home")
    sent = invite(practitioner, assessment, health_visitor)
    services.contribution_save(actor=health_visitor, contribution=sent, version=1, facts="HV facts",
                               opinions="HV view", submit=True)
    invite(practitioner, assessment, gp)  # never sent: not copied
    record_scores(practitioner, assessment)
    old = services.assessment_complete(actor=practitioner, assessment=assessment)

    new = services.assessment_new_version(actor=practitioner, assessment=old)

    assert (new.number, new.previous_id, new.status) == (2, old.pk, AssessmentStatus.DRAFT)
    background = new.sections.get(key=SectionKey.BACKGROUND)
    assert (background.facts, background.opinions) == ("Background facts", "Background view")
    assert new.sections.count() == len(SectionKey.values)
    copied_view = new.child_views.get(child=members["max"])
    assert (copied_view.method, copied_view.in_their_words) == (ViewMethod.WISHES_AND_FEELINGS, "I wish for a dog")
    assert new.child_views.count() == 2
    (copied,) = new.contributions.all()
    assert (copied.author, copied.status, copied.facts) == (health_visitor, ContributionStatus.SUBMITTED, "HV facts")
    old.refresh_from_db()
    assert old.status == AssessmentStatus.COMPLETED
    old_background = old.sections.get(key=SectionKey.BACKGROUND)
    with pytest.raises(services.AssessmentLocked):
        services.section_save(actor=practitioner, section=old_background, version=old_background.version,
                              facts="changed", opinions="")
    # The author of a copied part can still change it in the new version; the copy is theirs.
    services.contribution_save(actor=health_visitor, contribution=copied, version=copied.version, facts="Updated",
                               opinions="HV view", submit=True)


def test_a_new_version_is_refused_from_a_draft(practitioner, assessment):
    with pytest.raises(services.AssessmentRefused):
        services.assessment_new_version(actor=practitioner, assessment=assessment)


def test_a_new_version_is_refused_when_a_newer_one_exists(practitioner, completed):
    services.assessment_new_version(actor=practitioner, assessment=completed)
    with pytest.raises(Conflict):
        services.assessment_new_version(actor=practitioner, assessment=completed)


def test_a_new_version_is_refused_when_the_episode_is_closed(practitioner, completed):
    close(completed.episode)
    with pytest.raises(services.AssessmentRefused):
        services.assessment_new_version(actor=practitioner, assessment=Assessment.objects.get(pk=completed.pk))


def test_a_new_version_is_refused_while_the_family_has_another_draft(practitioner, family, completed):
    Assessment.objects.create(episode=completed.episode, family=family, number=7)  # a draft already exists
    with pytest.raises(Conflict) as refused:
        services.assessment_new_version(actor=practitioner, assessment=completed)
    assert "Pat Practitioner (Hill School)" in refused.value.message
