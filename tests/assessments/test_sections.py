"""Writing the assessment: sections with facts kept apart from opinions, each child's view and how it was
gathered, edit conflicts that keep both texts, and the lock once the assessment is completed."""

import pytest
from django.db import IntegrityError, transaction

from hearth.accounts.models import Role
from hearth.assessments import services
from hearth.assessments.models import ChildView, Section, SectionKey, ViewMethod
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people_services
from tests.assessments.conftest import invite

pytestmark = pytest.mark.django_db


# --- sections -----------------------------------------------------------------------------------------


def test_saving_a_section_keeps_facts_and_opinions_apart_and_moves_the_version_on(practitioner, assessment):
    section = assessment.sections.get(key=SectionKey.PARENTS_VIEW)
    saved = services.section_save(actor=practitioner, section=section, version=1, facts="Mum said mornings are hard.",
                                  opinions="Mum is tired and needs a break.")
    assert (saved.facts, saved.opinions, saved.version) == ("Mum said mornings are hard.",
                                                            "Mum is tired and needs a break.", 2)
    assert saved.updated_by == practitioner


def test_a_section_saved_by_someone_else_meanwhile_is_a_conflict_and_both_texts_survive(practitioner, assessment,
                                                                                       make, family, involve):
    colleague = make("cat.colleague@example.test", Role.PRACTITIONER)
    involve(family, colleague)
    section = assessment.sections.get(key=SectionKey.BACKGROUND)
    services.section_save(actor=colleague, section=section, version=1, facts="Their facts", opinions="Their view")
    with pytest.raises(services.EditConflict) as conflict:
        services.section_save(actor=practitioner, section=section, version=1,
                              facts="My facts", opinions="My view")
    assert isinstance(conflict.value, Conflict)
    assert "Someone else saved this section while you were editing" in conflict.value.message
    current = conflict.value.current
    assert (current.facts, current.opinions, current.version) == ("Their facts", "Their view", 2)
    assert current.updated_by == colleague
    section.refresh_from_db()
    assert section.facts == "Their facts"  # theirs is not overwritten
    # Saving again with the new version (after merging) succeeds.
    merged = services.section_save(actor=practitioner, section=section, version=current.version,
                                   facts="Their facts\nMy facts", opinions="Their view\nMy view")
    assert merged.version == 3 and "My facts" in merged.facts


def test_a_completed_assessment_is_locked(practitioner, completed):
    section = completed.sections.get(key=SectionKey.NEEDS)
    with pytest.raises(services.AssessmentLocked) as refused:
        services.section_save(actor=practitioner, section=section, version=section.version, facts="x", opinions="")
    assert refused.value.message == "This assessment is completed. Start a new version to make changes."
    view = completed.child_views.first()
    with pytest.raises(services.AssessmentLocked):
        services.child_view_save(actor=practitioner, child_view=view, version=view.version,
                                 method=ViewMethod.CONVERSATION, in_their_words="x", worker_reflection="")


def test_a_section_is_locked_even_when_the_instance_was_read_before_completion(practitioner, assessment,
                                                                              record_scores, write_background):
    stale = assessment.sections.get(key=SectionKey.NEEDS)
    write_background(assessment)
    record_scores(practitioner, assessment)
    services.assessment_complete(actor=practitioner, assessment=assessment)
    with pytest.raises(services.AssessmentLocked):
        services.section_save(actor=practitioner, section=stale, version=stale.version, facts="late", opinions="")
    assert Section.objects.get(pk=stale.pk).facts == ""


def test_a_contributor_cannot_write_sections(practitioner, assessment, health_visitor):
    invite(practitioner, assessment, health_visitor)
    section = assessment.sections.get(key=SectionKey.BACKGROUND)
    with pytest.raises(NotPermitted):
        services.section_save(actor=health_visitor, section=section, version=1, facts="x", opinions="")
    view = assessment.child_views.first()
    with pytest.raises(NotPermitted):
        services.child_view_save(actor=health_visitor, child_view=view, version=1, method=ViewMethod.OBSERVATION,
                                 in_their_words="x", worker_reflection="")
    with pytest.raises(NotPermitted):
        services.assessment_complete(actor=health_visitor, assessment=assessment)


def test_the_locality_coordinator_may_write_without_an_involvement(assessment, make, team, family, locality):
    family.locality = locality
    family.save()
    coordinator = make("cora.coord@example.test", Role.COORDINATOR, team=team)
    section = assessment.sections.get(key=SectionKey.STRENGTHS)
    saved = services.section_save(actor=coordinator, section=section, version=1, facts="", opinions="Warm family")
    assert saved.opinions == "Warm family"


# --- children's views ------------------------------------------------------------------------------


def test_a_childs_view_is_saved_with_how_it_was_gathered(practitioner, assessment, members):
    view = assessment.child_views.get(child=members["max"])
    saved = services.child_view_save(actor=practitioner, child_view=view, version=1,
                                     method=ViewMethod.THREE_HOUSES, in_their_words="Drew mum in the house of worries",
                                     worker_reflection="Max worries about mum")
    assert (saved.method, saved.version) == (ViewMethod.THREE_HOUSES, 2)


def test_a_childs_words_without_a_method_are_refused(practitioner, assessment):
    view = assessment.child_views.first()
    with pytest.raises(ValidationFailed) as refused:
        services.child_view_save(actor=practitioner, child_view=view, version=1, method="", in_their_words="Happy",
                                 worker_reflection="")
    assert refused.value.errors == {"method": "Choose how the child's view was gathered"}


def test_a_childs_view_saved_meanwhile_is_a_conflict_keeping_theirs(practitioner, assessment):
    view = assessment.child_views.first()
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.OBSERVATION,
                             in_their_words="Played happily", worker_reflection="")
    with pytest.raises(services.EditConflict) as conflict:
        services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.CONVERSATION,
                                 in_their_words="Other words", worker_reflection="")
    assert conflict.value.current.in_their_words == "Played happily"


def test_there_is_one_view_per_child(assessment, members):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildView.objects.create(assessment=assessment, child=members["max"])


def test_a_child_who_joins_later_can_be_added_once(practitioner, family, assessment):
    baby = people_services.person_create(actor=practitioner, family=family, role="child",
                                         data={"given_name": "Baby", "family_name": "Testfamily"})
    assert services.child_views_add_missing(actor=practitioner, assessment=assessment) == 1
    assert services.child_views_add_missing(actor=practitioner, assessment=assessment) == 0
    assert assessment.child_views.filter(child=baby).count() == 1
