"""Starting an Early Help Assessment: version one with every section and a view per child, and only one draft
for a family at a time, which the database holds to as well."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.accounts.models import AgencyKind, Role
from hearth.assessments import services
from hearth.assessments.models import Assessment, AssessmentStatus, SectionKey
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases import services as cases_services
from hearth.core.errors import Conflict, NotPermitted
from hearth.people.models import FamilyMember
from tests.assessments.conftest import close

pytestmark = pytest.mark.django_db


# --- starting ---------------------------------------------------------------------------------------


def test_starting_creates_version_one_with_every_section_and_a_view_per_child(practitioner, assessment, members):
    assert assessment.number == 1 and assessment.status == AssessmentStatus.DRAFT
    assert sorted(assessment.sections.values_list("key", flat=True)) == sorted(SectionKey.values)
    children = set(assessment.child_views.values_list("child_id", flat=True))
    # Max is in the child role; Ruby is 17 though recorded as another adult; mum and gran are adults.
    assert children == {members["max"].pk, members["ruby"].pk}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="assessments.assessment",
                                     object_id=str(assessment.pk)).exists()


def test_a_child_who_has_left_the_family_gets_no_view(practitioner, episode, members):
    FamilyMember.objects.filter(person=members["max"]).update(left_on=timezone.localdate())
    assessment = services.assessment_start(actor=practitioner, episode=episode)
    assert list(assessment.child_views.values_list("child_id", flat=True)) == [members["ruby"].pk]


def test_a_second_assessment_for_the_family_is_refused_naming_the_lead_and_agency(practitioner, episode, assessment):
    with pytest.raises(Conflict) as refused:
        services.assessment_start(actor=practitioner, episode=episode)
    assert "Pat Practitioner" in refused.value.message
    assert "Hill School" in refused.value.message
    assert Assessment.objects.filter(family=episode.family).count() == 1


def test_a_draft_left_in_another_episode_blocks_a_new_one_and_names_its_lead(practitioner, family, episode,
                                                                              assessment, make):
    close(episode)
    other_lead = make("lee.lead@example.test", Role.PRACTITIONER, kind=AgencyKind.YOUTH_SERVICE,
                      agency_name="Youth service")
    second = cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=other_lead)
    with pytest.raises(Conflict) as refused:
        services.assessment_start(actor=practitioner, episode=second)
    assert "Pat Practitioner (Hill School)" in refused.value.message


def test_a_race_to_start_is_decided_by_the_database_and_names_the_holder(practitioner, family, episode, assessment,
                                                                           monkeypatch):
    close(episode)
    second = cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    real = services.draft_for_family
    calls = []

    def not_yet_then_real(fam):  # the other request has not committed when this one checks
        calls.append(fam)
        return None if len(calls) == 1 else real(fam)

    monkeypatch.setattr(services, "draft_for_family", not_yet_then_real)
    with pytest.raises(Conflict) as refused:
        services.assessment_start(actor=practitioner, episode=second)
    assert "Pat Practitioner (Hill School)" in refused.value.message
    assert Assessment.objects.filter(family=family, status=AssessmentStatus.DRAFT).count() == 1


def test_starting_in_a_closed_episode_is_refused(practitioner, episode):
    close(episode)
    with pytest.raises(services.AssessmentRefused):
        services.assessment_start(actor=practitioner, episode=episode)


def test_a_practitioner_not_involved_cannot_start(other_practitioner, episode):
    with pytest.raises(NotPermitted):
        services.assessment_start(actor=other_practitioner, episode=episode)


def test_the_database_refuses_two_drafts_for_one_family(practitioner, family, episode, assessment):
    close(episode)
    second = cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(episode=second, family=family, number=1)
