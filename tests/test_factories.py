"""The test factories build what they say, through the services (the root conftest's drift check then confirms
the stored access grants match the records)."""

from hearth.access import policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments.models import AssessmentStatus
from hearth.cases.models import EpisodeStatus
from tests import factories


def test_a_family_is_started_by_its_actor_who_may_then_see_it(practitioner):
    family = factories.FamilyFactory(actor=practitioner)
    assert (family.council, family.created_by) == (practitioner.agency.council, practitioner)
    assert Involvement.objects.filter(family=family, user=practitioner, relationship=InvolvedAs.TAF_MEMBER).exists()
    assert policy.can_view_family(practitioner, family)


def test_people_are_members_of_the_family_in_their_role(family):
    mum = factories.ParentFactory(family=family, phone="07700 900222")
    child = factories.ChildFactory(family=family)
    members = {m.person_id: m.role for m in family.members.all()}
    assert members == {mum.pk: "parent_pr", child.pk: "child"}
    assert (mum.given_name, mum.phone, child.given_name) == ("Jo", "07700 900222", "Max")


def test_a_user_has_the_roles_given_in_the_agency_named(council):
    user = factories.UserFactory(email="ana.example@example.test", roles=[Role.MANAGER, Role.PRACTITIONER],
                                 agency_name="Hill School", agency__council=council)
    assert set(user.roles.values_list("role", flat=True)) == {Role.MANAGER, Role.PRACTITIONER}
    assert (user.full_name, user.agency.name, user.agency.council) == ("Ana Example", "Hill School", council)
    assert user.check_password(factories.PASSWORD)


def test_the_dpo_factory_makes_the_councils_data_protection_officer(dpo, council):
    assert list(dpo.roles.values_list("role", flat=True)) == [Role.DPO]
    assert (dpo.agency.name, dpo.agency.council) == ("Information governance", council)


def test_an_episode_in_each_state_is_led_by_its_actor(practitioner, family, other_practitioner):
    other_family = factories.FamilyFactory(actor=other_practitioner, name="The Otherfamily family")
    third_family = factories.FamilyFactory(actor=practitioner, name="The Thirdfamily family")
    in_assessment = factories.EpisodeInAssessmentFactory(family=family)
    in_plan = factories.EpisodeInPlanFactory(family=other_family)
    closed = factories.ClosedEpisodeFactory(family=third_family)
    assert (in_assessment.status, in_plan.status, closed.status) == (
        EpisodeStatus.ASSESSMENT, EpisodeStatus.PLAN, EpisodeStatus.CLOSED)
    assert (in_assessment.lead_professional, in_plan.lead_professional) == (practitioner, other_practitioner)
    assert closed.closed_on is not None and closed.end_reason == "outcomes_achieved"
    assert policy.can_view_family(other_practitioner, other_family)


def test_an_assessment_is_a_draft_started_by_the_lead_and_a_completed_one_is_locked(episode, practitioner):
    draft = factories.AssessmentFactory(episode=episode)
    assert (draft.family, draft.started_by, draft.status, draft.number) == (
        episode.family, practitioner, AssessmentStatus.DRAFT, 1)
    draft.delete()
    completed = factories.CompletedAssessmentFactory(episode=episode)
    assert (completed.status, completed.completed_by) == (AssessmentStatus.COMPLETED, practitioner)
    assert completed.completed_at is not None and completed.is_locked



def test_a_consent_to_share_is_given_by_the_parent_for_schools_so_a_school_in_the_team_sees_the_family(
        family, mum, make, involve):
    teacher = make("tia.teacher@example.test", kind=AgencyKind.SCHOOL, agency_name="Brook School")
    involve(family, teacher, covered=False)
    assert not policy.can_view_family(teacher, family)
    given = factories.ShareConsentFactory(family=family, person=mum)
    assert (given.person, given.given_by, given.method, given.recorded_by) == (mum, mum, "verbal", family.created_by)
    assert given.for_assessment_planning and given.is_active
    assert policy.can_view_family(teacher, family)
