import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import cover
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency, AgencyKind, Role, User, UserRole
from hearth.assessments import selectors, services
from hearth.assessments.models import (
    Assessment,
    AssessmentStatus,
    ChildView,
    Contribution,
    ContributionStatus,
    Section,
    SectionKey,
    ViewMethod,
)
from hearth.cases import services as cases_services
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people_services
from hearth.governance.models import AuditAction, AuditEvent
from hearth.people.models import FamilyMember

pytestmark = pytest.mark.django_db


def _close(episode):
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED, closed_on=timezone.localdate())
    episode.refresh_from_db()


def _invite(actor, assessment, invitee, **kwargs):
    return services.contribution_invite(actor=actor, assessment=assessment, invitee=invitee,
                                        request_note=kwargs.pop("request_note", "Attendance and health"),
                                        **kwargs)


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
    _close(episode)
    other_lead = make("lee.lead@example.test", Role.PRACTITIONER, kind=AgencyKind.YOUTH_SERVICE,
                      agency_name="Youth service")
    second = cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=other_lead)
    with pytest.raises(Conflict) as refused:
        services.assessment_start(actor=practitioner, episode=second)
    assert "Pat Practitioner (Hill School)" in refused.value.message


def test_a_race_to_start_is_decided_by_the_database_and_names_the_holder(practitioner, family, episode, assessment,
                                                                           monkeypatch):
    _close(episode)
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
    _close(episode)
    with pytest.raises(services.AssessmentRefused):
        services.assessment_start(actor=practitioner, episode=episode)


def test_a_practitioner_not_involved_cannot_start(other_practitioner, episode):
    with pytest.raises(NotPermitted):
        services.assessment_start(actor=other_practitioner, episode=episode)


def test_the_database_refuses_two_drafts_for_one_family(practitioner, family, episode, assessment):
    _close(episode)
    second = cases_services.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(episode=second, family=family, number=1)


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
    _invite(practitioner, assessment, health_visitor)
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


# --- professional views -----------------------------------------------------------------------------


def test_inviting_a_practitioner_of_another_agency_involves_them_and_emails_nothing_personal(
        practitioner, assessment, health_visitor, family):
    contribution = _invite(practitioner, assessment, health_visitor)
    assert contribution.status == ContributionStatus.INVITED
    assert contribution.agency_name == "Oxfordshire Health Visiting"
    assert Involvement.objects.filter(family=family, user=health_visitor, relationship=InvolvedAs.CONTRIBUTOR,
                                      ended_at__isnull=True).exists()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["hana.visitor@example.test"]
    assert "asked to contribute to an Early Help Assessment" in email.body
    assert "sign in to hearth" in email.body.lower()
    for personal in ("Testfamily", "Jo", "Max", "Attendance"):
        assert personal not in email.body and personal not in email.subject


def test_inviting_someone_from_your_own_agency_is_refused(practitioner, assessment, make):
    same = make("sam.same@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Hill School")
    with pytest.raises(ValidationFailed) as refused:
        _invite(practitioner, assessment, same)
    assert refused.value.errors["invitee"] == "Choose a practitioner from another agency"


def test_inviting_someone_from_another_council_is_refused(practitioner, assessment, other_council):
    agency = Agency.objects.create(council=other_council, name="Elsewhere", kind=AgencyKind.SCHOOL)
    outsider = User.objects.create(email="out@example.test", full_name="Out Sider", agency=agency)
    UserRole.objects.create(user=outsider, role=Role.PRACTITIONER)
    with pytest.raises(ValidationFailed) as refused:
        _invite(practitioner, assessment, outsider)
    assert "invitee" in refused.value.errors


def test_asking_an_agency_the_familys_consent_does_not_cover_is_refused(practitioner, assessment, make):
    uncovered = make("una.covered@example.test", Role.PRACTITIONER, kind=AgencyKind.POLICE, agency_name="Police")
    with pytest.raises(ValidationFailed) as refused:
        _invite(practitioner, assessment, uncovered)
    assert "consent to share does not cover Police" in refused.value.errors["invitee"]
    assert not Contribution.objects.exists()
    assert not mail.outbox


def test_asking_the_same_practitioner_twice_is_refused(practitioner, assessment, health_visitor):
    _invite(practitioner, assessment, health_visitor)
    with pytest.raises(ValidationFailed) as refused:
        _invite(practitioner, assessment, health_visitor)
    assert "already been asked" in refused.value.errors["invitee"]


def test_the_contributor_writes_and_sends_only_their_own_part(practitioner, assessment, health_visitor, make):
    contribution = _invite(practitioner, assessment, health_visitor)
    saved = services.contribution_save(actor=health_visitor, contribution=contribution, version=1,
                                       facts="Seen at clinic twice", opinions="Growth is fine", submit=True)
    assert saved.status == ContributionStatus.SUBMITTED and saved.submitted_at is not None
    assert saved.version == 2
    # The lead professional cannot change it...
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=practitioner, contribution=saved, version=2, facts="changed", opinions="")
    # ...nor can another contributor.
    gp = make("gail.gp@example.test", Role.PRACTITIONER, kind=AgencyKind.GP, agency_name="Town GP")
    cover(assessment.family, gp)
    other = _invite(practitioner, assessment, gp)
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=gp, contribution=saved, version=2, facts="changed", opinions="")
    with pytest.raises(NotPermitted):
        services.contribution_save(actor=health_visitor, contribution=other, version=1, facts="x", opinions="")
    assert Contribution.objects.get(pk=saved.pk).facts == "Seen at clinic twice"
    # The person who asked is told a view has arrived (nothing personal in the email).
    assert any(m.to == ["pat.practitioner@example.test"] and "Testfamily" not in m.body for m in mail.outbox)


def test_sending_an_empty_view_is_refused(practitioner, assessment, health_visitor):
    contribution = _invite(practitioner, assessment, health_visitor)
    with pytest.raises(ValidationFailed) as refused:
        services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts=" ",
                                   opinions="", submit=True)
    assert refused.value.errors == {"facts": "Write your view before sending it"}


def test_a_draft_contribution_saved_twice_from_old_versions_is_a_conflict(practitioner, assessment, health_visitor):
    contribution = _invite(practitioner, assessment, health_visitor)
    services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts="First",
                               opinions="")
    with pytest.raises(services.EditConflict) as conflict:
        services.contribution_save(actor=health_visitor, contribution=contribution, version=1, facts="Second",
                                   opinions="")
    assert conflict.value.current.facts == "First"


def test_the_invitee_may_decline_and_then_cannot_write(practitioner, assessment, health_visitor):
    contribution = _invite(practitioner, assessment, health_visitor)
    declined = services.contribution_decline(actor=health_visitor, contribution=contribution)
    assert declined.status == ContributionStatus.DECLINED
    with pytest.raises(services.AssessmentRefused):
        services.contribution_save(actor=health_visitor, contribution=declined, version=declined.version,
                                   facts="x", opinions="")
    # They may be asked again.
    again = _invite(practitioner, assessment, health_visitor)
    assert again.pk == contribution.pk and again.status == ContributionStatus.INVITED


def test_only_the_invitee_can_decline(practitioner, assessment, health_visitor):
    contribution = _invite(practitioner, assessment, health_visitor)
    with pytest.raises(NotPermitted):
        services.contribution_decline(actor=practitioner, contribution=contribution)


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
                                                                       make, members, record_scores,
                                                                       write_background):
    write_background(assessment, facts="Background facts", opinions="Background view")
    view = assessment.child_views.get(child=members["max"])
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.WISHES_AND_FEELINGS,
                             in_their_words="I wish for a dog", worker_reflection="Wants calm at home")
    sent = _invite(practitioner, assessment, health_visitor)
    services.contribution_save(actor=health_visitor, contribution=sent, version=1, facts="HV facts",
                               opinions="HV view", submit=True)
    gp = make("gail.gp@example.test", Role.PRACTITIONER, kind=AgencyKind.GP, agency_name="Town GP")
    cover(assessment.family, gp)
    _invite(practitioner, assessment, gp)  # never sent: not copied
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
    _close(completed.episode)
    with pytest.raises(services.AssessmentRefused):
        services.assessment_new_version(actor=practitioner, assessment=Assessment.objects.get(pk=completed.pk))


def test_a_new_version_is_refused_while_the_family_has_another_draft(practitioner, family, completed):
    Assessment.objects.create(episode=completed.episode, family=family, number=7)  # a draft already exists
    with pytest.raises(Conflict) as refused:
        services.assessment_new_version(actor=practitioner, assessment=completed)
    assert "Pat Practitioner (Hill School)" in refused.value.message


# --- reads --------------------------------------------------------------------------------------------


def test_viewing_the_assessment_is_audited_and_refused_to_others(practitioner, other_practitioner, assessment):
    detail = selectors.assessment_detail(practitioner, assessment.pk)
    assert [s.key for s in detail.section_list] == SectionKey.values
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="assessments.assessment",
                                     actor=practitioner).exists()
    with pytest.raises(NotPermitted):
        selectors.assessment_detail(other_practitioner, assessment.pk)


def _panel_queries(user, episode) -> tuple[int, dict]:
    episode = Episode.objects.select_related("family", "lead_professional__team").get(pk=episode.pk)
    with CaptureQueriesContext(connection) as ctx:
        panel = selectors.episode_panel(user, episode)
    return len(ctx.captured_queries), panel


def test_the_episode_panel_counts_progress_in_a_fixed_number_of_queries(practitioner, assessment, health_visitor,
                                                                       make, council, write_background):
    small, panel = _panel_queries(practitioner, assessment.episode)
    a = panel["assessment"]
    assert (a.sections_written, a.child_views_recorded, a.child_views_total, a.contributions_awaiting) == (0, 0, 2, 0)
    write_background(assessment)
    view = assessment.child_views.first()
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.OBSERVATION,
                             in_their_words="Smiling", worker_reflection="")
    for i in range(5):
        user = make(f"p{i}@example.test", Role.PRACTITIONER, kind=AgencyKind.VOLUNTARY, agency_name=f"Charity {i}")
        cover(assessment.family, user)
        _invite(practitioner, assessment, user)
    large, panel = _panel_queries(practitioner, assessment.episode)
    a = panel["assessment"]
    assert (a.sections_written, a.child_views_recorded, a.contributions_awaiting) == (1, 1, 5)
    assert small == large <= 8
    assert panel["can_start"] is False


def test_the_episode_panel_offers_to_start_when_there_is_no_assessment(practitioner, episode):
    panel = selectors.episode_panel(practitioner, episode)
    assert panel["assessment"] is None and panel["can_start"] is True


def test_latest_completed_is_loaded_with_its_parts(practitioner, completed):
    services.assessment_new_version(actor=practitioner, assessment=completed)
    latest = selectors.latest_completed(practitioner, completed.episode)
    assert latest.pk == completed.pk
    with CaptureQueriesContext(connection) as ctx:
        texts = [s.facts for s in latest.section_list] + [v.child.full_name for v in latest.child_view_list]
        texts += [c.author.agency.name for c in latest.contribution_list]
        rows = latest.score_rows
    assert len(ctx.captured_queries) == 0
    assert texts and len(rows) == 10
