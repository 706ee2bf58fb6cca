"""The stored access decisions: derived once from the records, kept current by the services, read with one join.

Every test in the suite also ends with a check that the stored decisions equal the recomputed ones (conftest.py);
these tests drive the changes that must keep them so, and the holes a derived route must not open.
"""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import cover, make_user
from hearth.access import grants, policy
from hearth.access import services as access_services
from hearth.access.models import Grant, InvolvedAs, Route
from hearth.accounts import services as accounts
from hearth.accounts.models import AgencyKind, Role, Team
from hearth.assessments.models import Assessment, Contribution
from hearth.cases import services as cases
from hearth.consent import services as consent
from hearth.core.errors import NotPermitted
from hearth.families import selectors as people_selectors
from hearth.families import services as people
from hearth.people.search import SearchQuery


@pytest.fixture
def lead(make):
    return make("lead@example.test", Role.PRACTITIONER, kind=AgencyKind.EARLY_HELP_TEAM, agency_name="Early Help")


@pytest.fixture
def family(lead):
    return people.family_create(actor=lead, name="The Stored family")


@pytest.fixture
def manager(make):
    return make("manager@example.test", Role.MANAGER, kind=AgencyKind.SCHOOL_NURSING, agency_name="School nursing")


def _managed(user, manager):
    user.team = Team.objects.create(agency=user.agency, name=f"Team of {user.email}", manager=manager)
    user.save(update_fields=["team"])
    grants.refresh_user(user)


def test_an_involvement_stores_a_grant_and_ending_it_removes_the_grant(lead, family, make):
    nurse = make("nurse@example.test", kind=AgencyKind.SCHOOL_NURSING, agency_name="School nursing")
    cover(family, nurse)
    cases.involve(actor=lead, family=family, user=nurse, relationship=InvolvedAs.TAF_MEMBER)
    assert Grant.objects.filter(user=nurse, family=family, route=Route.INVOLVED).exists()
    assert policy.can_view_family(nurse, family)
    cases.end_involvement(actor=lead, family=family, user=nurse, relationship=InvolvedAs.TAF_MEMBER)
    assert not Grant.objects.filter(user=nurse, family=family).exists()
    assert not policy.can_view_family(nurse, family)


def test_withdrawing_consent_removes_the_stored_grant_at_once(lead, family, make):
    parent = people.person_create(actor=lead, family=family, role="parent_pr",
                                  data={"given_name": "Ada", "family_name": "Stored"})
    school = make("teacher@example.test", kind=AgencyKind.SCHOOL, agency_name="Hill School")
    given = consent.share_consent_record(
        actor=lead, family=family, person=parent, given_by=parent, giver_kind="parent_pr",
        given_on=timezone.localdate(), method="verbal", purposes={"for_assessment_planning"}, agencies=[school.agency])
    cases.involve(actor=lead, family=family, user=school, relationship=InvolvedAs.TAF_MEMBER)
    assert policy.can_view_family(school, family)
    consent.share_consent_withdraw(actor=lead, consent=given, withdrawn_on=timezone.localdate(), how="By phone")
    assert not Grant.objects.filter(user=school, family=family).exists()
    assert not policy.can_view_family(school, family)


def test_a_lawful_basis_with_an_end_date_gives_a_grant_that_ends_with_it(lead, family, make, time_machine):
    youth = make("youth@example.test", kind=AgencyKind.YOUTH_SERVICE, agency_name="Youth service")
    manager = make("boss@example.test", Role.MANAGER)
    ends = timezone.localdate() + timedelta(days=3)
    basis = consent.lawful_basis_record(actor=lead, family=family, kind="safeguarding", reason="Risk",
                                        agencies=[youth.agency], ends_on=ends)
    consent.lawful_basis_confirm(actor=manager, basis=basis)
    cases.involve(actor=lead, family=family, user=youth, relationship=InvolvedAs.TAF_MEMBER)
    stored = Grant.objects.get(user=youth, family=family)
    assert timezone.localtime(stored.expires_at).date() == ends + timedelta(days=1)
    assert policy.can_view_family(youth, family)
    time_machine.move_to(stored.expires_at + timedelta(minutes=1))
    assert not policy.can_view_family(youth, family)
    assert not policy.families_visible_to(youth).filter(pk=family.pk).exists()


def test_a_manager_sees_a_contribution_of_their_team_member_but_not_the_family(lead, family, make, manager):
    nurse = make("nurse@example.test", kind=AgencyKind.SCHOOL_NURSING, agency_name="School nursing")
    _managed(nurse, manager)
    cover(family, nurse)
    cases.involve(actor=lead, family=family, user=nurse, relationship=InvolvedAs.CONTRIBUTOR)
    episode = cases.episode_open(actor=lead, family=family, reason="N4", level=3, lead=lead, level_reasons="Needs")
    assessment = Assessment.objects.create(episode=episode, family=family, started_by=lead)
    part = Contribution.objects.create(assessment=assessment, author=nurse, agency_name="School nursing")
    other = Contribution.objects.create(assessment=assessment, author=lead, agency_name="Early Help")
    assert not policy.can_view_family(manager, family) and not policy.can_view_family(nurse, family)
    seen = set(Contribution.objects.filter(policy.contribution_filter(manager)).values_list("pk", flat=True))
    assert seen == {part.pk} and other.pk not in seen
    assert not policy.can_write_contribution(manager, part)


def test_a_team_member_without_consent_coverage_gives_their_manager_nothing(lead, family, make, manager):
    charity = make("charity@example.test", kind=AgencyKind.VOLUNTARY, agency_name="Charity")
    _managed(charity, manager)
    cases.involve(actor=lead, family=family, user=charity, relationship=InvolvedAs.TAF_MEMBER)
    assert not policy.can_view_family(charity, family)
    assert not policy.can_view_family(manager, family)
    cover(family, charity)
    assert policy.can_view_family(charity, family) and policy.can_view_family(manager, family)


def test_moving_a_practitioner_to_another_team_moves_their_families_to_the_new_manager(lead, family, make, manager):
    new_manager = make("new.manager@example.test", Role.MANAGER, kind=AgencyKind.EARLY_HELP_TEAM,
                       agency_name="Early Help")
    admin = make("admin@example.test", Role.SYSADMIN)
    _managed(lead, manager)
    assert policy.can_view_family(manager, family)
    other_team = Team.objects.create(agency=lead.agency, name="South", manager=new_manager)
    accounts.user_update(actor=admin, user=lead, version=lead.version, full_name=lead.full_name, agency=lead.agency,
                         roles=[Role.PRACTITIONER], team=other_team, job_title="", is_active=True)
    assert not policy.can_view_family(manager, family)
    assert policy.can_view_family(new_manager, family)


def test_taking_away_the_manager_role_takes_away_the_managers_route(lead, family, make, manager):
    admin = make("admin@example.test", Role.SYSADMIN)
    _managed(lead, manager)
    accounts.user_update(actor=admin, user=manager, version=manager.version,
                         full_name=manager.full_name, agency=manager.agency,
                         roles=[Role.PRACTITIONER], team=None, job_title="", is_active=True)
    assert not policy.can_view_family(manager, family)
    assert not Grant.objects.filter(user=manager).exists()


def test_break_glass_cannot_change_a_persons_details(lead, family, make):
    parent = people.person_create(actor=lead, family=family, role="parent_pr",
                                  data={"given_name": "Ada", "family_name": "Stored"})
    mash = make("mash@example.test", Role.MASH_SCREENER, kind=AgencyKind.SOCIAL_CARE, agency_name="MASH")
    access_services.break_glass_open(actor=mash, family=family, reason="A child was found alone at night")
    assert policy.can_view_person(mash, parent) and not policy.can_edit_person(mash, parent)
    with pytest.raises(NotPermitted):
        people.person_update(actor=mash, person=parent, version=parent.version, data={"given_name": "Changed"})
    with pytest.raises(NotPermitted):
        people.person_add_name(actor=mash, person=parent, kind="previous", given_name="Ada", family_name="Old")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SYSADMIN])
def test_roles_that_cannot_create_records_cannot_use_find_before_create(lead, family, make, client_for, role):
    people.person_create(actor=lead, family=family, role="parent_pr",
                         data={"given_name": "Ada", "family_name": "Known"})
    user = make(f"{role}@example.test", role)
    with pytest.raises(NotPermitted):
        people_selectors.find_existing(user, SearchQuery(given_name="Ada", family_name="Known"))
    response = client_for(user).get("/families/start?given_name=Ada&family_name=Known")
    assert response.status_code == 403
    assert "Known" not in response.content.decode()


def test_a_grant_that_cannot_be_written_rolls_back_the_change_that_needed_it(lead, family, make, monkeypatch):
    nurse = make("nurse@example.test", kind=AgencyKind.SCHOOL_NURSING, agency_name="School nursing")

    def refuse(*args, **kwargs):
        raise RuntimeError("the grants table cannot be written")

    monkeypatch.setattr(grants, "_write", refuse)
    with pytest.raises(RuntimeError), transaction.atomic():
        cases.involve(actor=lead, family=family, user=nurse, relationship=InvolvedAs.TAF_MEMBER)
    monkeypatch.undo()
    assert not family.involvements.filter(user=nurse).exists()


@pytest.mark.access_drift_expected
def test_the_check_command_finds_and_fixes_a_difference(lead, family, capsys):
    Grant.objects.filter(user=lead, family=family).delete()
    with pytest.raises(Exception, match="differ"):
        call_command("access_check", "--no-progress")
    assert f"missing: user {lead.pk}, family {family.pk}: involved" in capsys.readouterr().out
    call_command("access_check", "--no-progress", "--fix")
    call_command("access_check", "--no-progress")
    assert "0 differences" in capsys.readouterr().out


def test_a_family_page_asks_for_its_decision_once(lead, family, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        for _ in range(5):
            assert policy.can_view_family(lead, family) and policy.can_edit_family(lead, family)


# A property: whatever happens, in whatever order, through the services, the stored decisions equal the recomputed
# ones, and what each user may see agrees with the decisions.

STEPS = st.lists(st.tuples(st.sampled_from(["involve", "end", "consent", "withdraw", "basis", "break_glass",
                                            "move_team", "manager_role"]),
                           st.integers(0, 3), st.integers(0, 2), st.sampled_from(list(InvolvedAs))),
                 min_size=1, max_size=12)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_stored_decisions_equal_recomputed_ones_after_any_changes(council, steps):
    with transaction.atomic():
        _run_population(council, steps)
        transaction.set_rollback(True)


def _run_population(council, steps):
    n = Grant.objects.count()
    kinds = [AgencyKind.SCHOOL, AgencyKind.HEALTH_VISITING, AgencyKind.VOLUNTARY, AgencyKind.SOCIAL_CARE]
    tag = f"{n}-{timezone.now().timestamp()}"
    admin = make_user(council, f"admin.{tag}@example.test", [Role.SYSADMIN])
    creator = make_user(council, f"creator.{tag}@example.test", [Role.PRACTITIONER])  # never changed by a step
    managers = [make_user(council, f"m{i}.{tag}@example.test", [Role.MANAGER]) for i in range(2)]
    users = [make_user(council, f"u{i}.{tag}@example.test",
                       [Role.MASH_SCREENER if kinds[i] == AgencyKind.SOCIAL_CARE else Role.PRACTITIONER],
                       kind=kinds[i], agency_name=f"Agency {kinds[i]}") for i in range(4)]
    confirmer = make_user(council, f"confirmer.{tag}@example.test", [Role.MANAGER])
    families = [people.family_create(actor=creator, name=f"The P{i} family") for i in range(3)]
    parents = [people.person_create(actor=creator, family=f, role="parent_pr",
                                    data={"given_name": "Pat", "family_name": "Prop"}) for f in families]
    for action, who, which, relationship in steps:
        user, family = users[who], families[which]
        if action == "involve":
            cases.involve(actor=creator, family=family, user=user, relationship=relationship)
        elif action == "end":
            cases.end_involvement(actor=creator, family=family, user=user, relationship=relationship)
        elif action == "consent":
            consent.share_consent_record(
                actor=creator, family=family, person=parents[which], given_by=parents[which],
                giver_kind="parent_pr", given_on=timezone.localdate(), method="verbal",
                purposes={"for_assessment_planning"}, agency_kinds=[user.agency.kind])
        elif action == "withdraw":
            for given in family.share_consents.filter(withdrawn_on__isnull=True):
                consent.share_consent_withdraw(actor=creator, consent=given, withdrawn_on=timezone.localdate(),
                                               how="Asked us to stop")
        elif action == "basis":
            basis = consent.lawful_basis_record(actor=creator, family=family, kind="safeguarding", reason="Risk",
                                                agencies=[user.agency], ends_on=timezone.localdate())
            consent.lawful_basis_confirm(actor=confirmer, basis=basis)
        elif action == "break_glass" and user.has_role(Role.MASH_SCREENER):
            if not policy.can_view_family(user, family):
                access_services.break_glass_open(actor=user, family=family, reason="A child was found alone at night")
        elif action == "move_team":
            team = None
            if which < 2:  # a team of the user's agency, managed by one of the two managers
                team, _ = Team.objects.get_or_create(agency=user.agency, name=f"Team {which} {tag}",
                                                     defaults={"manager": managers[which]})
            accounts.user_update(actor=admin, user=user, version=user.version,
                                 full_name=user.full_name, agency=user.agency,
                                 roles=sorted(user.role_set), team=team, job_title="", is_active=True)
        elif action == "manager_role":
            manager = managers[which % 2]
            roles = [Role.PRACTITIONER] if manager.has_role(Role.MANAGER) else [Role.MANAGER]
            accounts.user_update(actor=admin, user=manager, version=manager.version,
                                 full_name=manager.full_name, agency=manager.agency,
                                 roles=roles, team=None, job_title="", is_active=True)
        assert grants.drift(family_ids=[f.pk for f in families]) == []
    for user in [*users, *managers]:
        visible = set(policy.families_visible_to(user).values_list("pk", flat=True))
        assert visible == {f.pk for f in families if policy.can_view_family(user, f)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_changing_one_familys_team_at_once_leave_the_store_right(council):
    lead = make_user(council, "lead.race@example.test", [Role.PRACTITIONER])
    family = people.family_create(actor=lead, name="The Race family")
    joiners = [make_user(council, f"join{i}@example.test", [Role.PRACTITIONER], kind=AgencyKind.EARLY_HELP_TEAM)
               for i in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def join(user):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                cases.involve(actor=lead, family=family, user=user, relationship=InvolvedAs.LEAD_PROFESSIONAL)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(u,)) for u in joiners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert grants.drift(family_ids=[family.pk]) == []
    assert all(policy.can_view_family(u, family) for u in joiners)
