import datetime

import pytest

from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind
from hearth.families import selectors, services
from hearth.people.models import NameKind, Sex
from hearth.people.search import SearchQuery


@pytest.fixture
def robert(practitioner, family):
    person = services.person_create(
        actor=practitioner, family=family, role="parent_pr",
        data={"given_name": "Robert", "family_name": "Thompson", "sex": Sex.MALE,
              "date_of_birth": datetime.date(1988, 6, 14), "nhs_number": "9434765919"},
        address=services.AddressInput(line_1="4 Mill Lane", town="Banbury", postcode="OX16 5AU"))
    services.person_add_name(actor=practitioner, person=person, kind=NameKind.PREVIOUS, given_name="Robert",
                             family_name="Whitfield")
    return person


def _found(user, **query):
    return {m.person.pk: m for m in selectors.search_people(user, SearchQuery(**query))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"given_name": "Robert", "family_name": "Thompson"}, "same family name"),
        ({"given_name": "Robert", "family_name": "Thomson"}, "family name spelt a little differently"),
        ({"given_name": "Bob", "family_name": "Thompson"}, "given name is a known short form"),
        ({"given_name": "Robert", "family_name": "Whitfield"}, "same family name (a previous name)"),
        ({"family_name": "Tompson"}, "family name spelt a little differently"),
        ({"date_of_birth": datetime.date(1988, 6, 14)}, "same date of birth"),
        ({"nhs_number": "9434765919"}, "same NHS number"),
        ({"postcode": "ox165au"}, "same postcode"),
    ],
)
def test_search_finds_a_person_despite_typos_nicknames_and_previous_names(practitioner, robert, query, reason):
    found = _found(practitioner, **query)
    assert robert.pk in found
    assert reason in found[robert.pk].reasons


@pytest.mark.django_db
def test_search_ranks_date_of_birth_matches_first(practitioner, family, robert):
    other = services.person_create(actor=practitioner, family=family, role="other_adult",
                                   data={"given_name": "Robert", "family_name": "Thompson",
                                         "date_of_birth": datetime.date(1950, 1, 1)})
    results = selectors.search_people(practitioner, SearchQuery(given_name="Rob", family_name="Thompson",
                                                                date_of_birth=datetime.date(1988, 6, 14)))
    assert [m.person.pk for m in results][:2] == [robert.pk, other.pk]


@pytest.mark.django_db
def test_unrelated_names_are_not_returned(practitioner, robert):
    assert _found(practitioner, given_name="Zainab", family_name="Okonkwo") == {}


@pytest.mark.django_db
def test_find_before_create_names_the_lead_professional_of_a_record_the_user_cannot_see(
        make, practitioner, robert, family, involve):
    lead = make("lee.lead@example.test", kind=AgencyKind.HEALTH_VISITING, agency_name="Health visiting team")
    involve(family, lead, InvolvedAs.LEAD_PROFESSIONAL)
    outsider = make("out.sider@example.test", kind=AgencyKind.POLICE, agency_name="Police")
    (match,) = selectors.find_existing(outsider, SearchQuery(given_name="Robert", family_name="Tompson"))
    assert match.visible is False
    assert match.lead_professional.user == lead
    assert match.lead_professional.user.agency.name == "Health visiting team"
    # The same user's ordinary search shows nothing.
    assert selectors.search_people(outsider, SearchQuery(given_name="Robert", family_name="Thompson")) == []


@pytest.mark.django_db
def test_find_before_create_page_shows_no_details_of_an_unseen_match(client_for, make, robert, family, involve):
    lead = make("lee.lead@example.test", kind=AgencyKind.HEALTH_VISITING, agency_name="Health visiting team")
    involve(family, lead, InvolvedAs.LEAD_PROFESSIONAL)
    outsider = make("out.sider@example.test", kind=AgencyKind.POLICE, agency_name="Police")
    page = client_for(outsider).get("/families/start", {"given_name": "Robert", "family_name": "Thompson"})
    body = page.content.decode()
    assert "A record you cannot see" in body
    assert "Lee Lead" in body and "Health visiting team" in body
    for secret in ("14 June 1988", "Mill Lane", "OX16", "943 476 5919", "Whitfield", str(family.name)):
        assert secret not in body


@pytest.mark.django_db
def test_search_results_list_only_the_families_the_user_may_see(practitioner, other_practitioner, robert):
    hidden = services.family_create(actor=other_practitioner, name="The Hiddenhousehold family")
    services.family_add_member(actor=other_practitioner, family=hidden, person=robert, role="parent_pr")
    (match,) = selectors.search_people(practitioner, SearchQuery(given_name="Robert", family_name="Thompson"))
    assert [m.family.name for m in match.person.visible_memberships] == ["The Testfamily family"]
