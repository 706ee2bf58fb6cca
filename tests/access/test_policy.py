"""The baseline policy: each route to a family, and the roles with no route."""

import pytest
from django.urls import reverse

from hearth.access import policy
from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.families import selectors, services
from hearth.people.search import SearchQuery
from tests.factories import ParentFactory


@pytest.fixture
def person(family):
    return ParentFactory(family=family, given_name="Rosa", family_name="Canary", date_of_birth=None)


@pytest.mark.django_db
def test_the_creator_of_a_family_is_involved_and_sees_it(practitioner, family):
    assert policy.can_view_family(practitioner, family)


@pytest.mark.django_db
@pytest.mark.parametrize("relationship", sorted(set(InvolvedAs.values) - policy.PART_ONLY))
def test_each_active_involvement_gives_sight_of_the_family(other_practitioner, family, involve, relationship):
    assert not policy.can_view_family(other_practitioner, family)
    involve(family, other_practitioner, relationship)
    assert policy.can_view_family(other_practitioner, family)
    access_services.involvement_end(family=family, user=other_practitioner, relationship=relationship)
    assert not policy.can_view_family(other_practitioner, family)


@pytest.mark.django_db
def test_coordinator_sees_families_of_their_own_locality_only(make, team, family, locality, council):
    coordinator = make("cora.coord@example.test", Role.COORDINATOR, team=team)
    assert not policy.can_view_family(coordinator, family)
    family.locality = locality
    family.save()
    assert policy.can_view_family(coordinator, family)
    family.locality = council.localities.get(code="south")
    family.save()
    assert not policy.can_view_family(coordinator, family)


@pytest.mark.django_db
def test_manager_sees_their_team_caseload(make, team, other_practitioner, family, involve):
    manager = make("mo.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    other_practitioner.team = team
    other_practitioner.save()
    assert not policy.can_view_family(manager, family)
    involve(family, other_practitioner)
    assert policy.can_view_family(manager, family)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.ANALYST, Role.DPO, Role.MASH_SCREENER, Role.SOCIAL_WORKER])
def test_a_role_alone_gives_no_sight_of_any_family(make, family, role):
    user = make(f"{role}@example.test", role)
    assert not policy.can_view_family(user, family)
    assert not policy.families_visible_to(user).exists()


@pytest.mark.django_db
def test_no_one_sees_another_councils_families(practitioner, other_council, family, involve):
    from conftest import make_user

    outsider = make_user(other_council, "glos@example.test", [Role.PRACTITIONER])
    involve(family, outsider)
    assert not policy.can_view_family(outsider, family)


@pytest.mark.django_db
def test_search_lists_only_people_the_user_may_see(practitioner, other_practitioner, person):
    query = SearchQuery(family_name="Canary")
    assert [m.person.pk for m in selectors.search_people(practitioner, query)] == [person.pk]
    assert selectors.search_people(other_practitioner, query) == []


@pytest.mark.django_db
def test_person_and_search_pages_hide_a_withheld_address_from_practitioners(client_for, practitioner, family, make,
                                                                             involve):
    person = services.person_create(
        actor=practitioner, family=family, role="parent_pr",
        data={"given_name": "Safe", "family_name": "Person", "address_withheld": True},
        address=services.AddressInput(line_1="7 Hidden Way", town="Oxford", postcode="OX4 3LX"))
    page = client_for(practitioner).get(reverse("families:person", args=[person.pk])).content.decode()
    assert "7 Hidden Way" not in page and "must not be disclosed" in page
    family_page = client_for(practitioner).get(reverse("families:family", args=[family.pk])).content.decode()
    assert "7 Hidden Way" not in family_page
    social_worker = make("sw@example.test", Role.SOCIAL_WORKER)
    involve(family, social_worker, InvolvedAs.SOCIAL_WORK)
    page = client_for(social_worker).get(reverse("families:person", args=[person.pk])).content.decode()
    assert "7 Hidden Way" in page


@pytest.mark.django_db
def test_an_invited_contributor_reaches_only_their_own_part(other_practitioner, family, involve):
    involve(family, other_practitioner, InvolvedAs.CONTRIBUTOR)
    assert not policy.can_view_family(other_practitioner, family)
