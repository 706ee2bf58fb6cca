"""The family page and the search results page issue a fixed number of SQL queries.

Each page is requested twice, for a small and a large case, and the two query counts must be equal:
no query per member, per relationship or per result. An upper bound keeps the fixed number honest.
Search issues one lookup per kind of detail searched for (names, date of birth, NHS number, postcode),
so the small and large searches search for the same kind of detail.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.access.models import Relationship as Involved
from hearth.people import services
from hearth.people.models import NameKind, RelationshipKind, Sex
from hearth.people.services import AddressInput

# Counted with the session, the signed-in user, savepoints and the audit row: 18 for the family page,
# 20 for search and 21 for find-before-create when written; a little room for the page around them.
FAMILY_PAGE_MAX_QUERIES = 32  # with the Early Help summary, notes, consent, break-glass and sharing panels
SEARCH_PAGE_MAX_QUERIES = 23


def _count(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _add(actor, family, given, family_name, role, sex, dob, *, postcode="OX4 1AA", withheld=False):
    return services.person_create(
        actor=actor, family=family, role=role,
        data={"given_name": given, "family_name": family_name, "sex": sex, "date_of_birth": dob,
              "address_withheld": withheld},
        address=AddressInput(line_1="1 High Street", line_2="", town="Oxford", postcode=postcode,
                             from_date=None),
    )


def _build_family(actor, name, size):
    """A family of `size`: two parents (partners), then children who are siblings of each other."""
    family = services.family_create(actor=actor, name=f"The {name} family")
    mum = _add(actor, family, "Jo", name, "parent_pr", Sex.FEMALE, datetime.date(1985, 1, 2))
    dad = _add(actor, family, "Sam", name, "parent_pr", Sex.MALE, datetime.date(1984, 3, 4), withheld=True)
    services.relationship_add(actor=actor, family=family, from_person=mum, to_person=dad,
                              kind=RelationshipKind.PARTNER)
    previous = None
    for i in range(size - 2):
        child = _add(actor, family, f"Child{chr(65 + i)}", name, "child", Sex.FEMALE if i % 2 else Sex.MALE,
                     datetime.date(2010 + i, 5, 6))
        services.relationship_add(actor=actor, family=family, from_person=mum, to_person=child,
                                  kind=RelationshipKind.MOTHER)
        services.relationship_add(actor=actor, family=family, from_person=dad, to_person=child,
                                  kind=RelationshipKind.FATHER)
        if previous:
            services.relationship_add(actor=actor, family=family, from_person=previous, to_person=child,
                                      kind=RelationshipKind.SIBLING)
        previous = child
    return family


@pytest.mark.django_db
def test_family_page_issues_the_same_number_of_queries_for_2_and_10_members(
    client_for, practitioner, other_practitioner, involve
):
    small = _build_family(practitioner, "Small", 2)
    large = _build_family(practitioner, "Large", 10)
    # More practitioners involved with the large family too.
    involve(large, other_practitioner, Involved.LEAD_PROFESSIONAL)
    client = client_for(practitioner)
    client.get(reverse("web:dashboard"))  # settle the session before counting

    small_count, small_body = _count(client, reverse("people:family", args=[small.pk]))
    large_count, large_body = _count(client, reverse("people:family", args=[large.pk]))

    assert small_body.count('href="/people/') >= 2
    assert "ChildH Large" in large_body and "is the sibling of" in large_body
    assert small_count == large_count, f"{small_count} queries for 2 members, {large_count} for 10"
    assert large_count <= FAMILY_PAGE_MAX_QUERIES


@pytest.mark.django_db
def test_search_results_page_issues_the_same_number_of_queries_for_1_and_30_results(client_for, practitioner):
    _add(practitioner, services.family_create(actor=practitioner, name="The Onlyone family"), "Jo", "Onlyone",
         "parent_pr", Sex.FEMALE, datetime.date(1990, 1, 2))
    for i in range(10):
        # Thirty people called Manyfold across ten families, some with previous names and withheld addresses.
        family = _build_family(practitioner, "Manyfold", 3)
        if i % 3 == 0:
            person = family.members.first().person
            services.person_add_name(actor=practitioner, person=person, kind=NameKind.PREVIOUS,
                                     given_name=person.given_name, family_name="Earlier")
    client = client_for(practitioner)
    client.get(reverse("web:dashboard"))

    one_count, one_body = _count(client, reverse("people:search"), {"family_name": "Onlyone"})
    many_count, many_body = _count(client, reverse("people:search"), {"family_name": "Manyfold"})

    assert "1 person found" in one_body
    assert "30 people found" in many_body
    assert one_count == many_count, f"search page: {one_count} queries for 1 result, {many_count} for 30"
    assert many_count <= SEARCH_PAGE_MAX_QUERIES


@pytest.mark.django_db
def test_find_before_create_page_issues_the_same_number_of_queries_for_1_and_30_matches(
    client_for, practitioner, other_practitioner, involve
):
    """Find-before-create, including matches the user may not see (which show the lead professional).

    The one match is someone the user may not see, so both cases look up lead professionals.
    """
    only = services.family_create(actor=other_practitioner, name="The Onlyone family")
    _add(other_practitioner, only, "Jo", "Onlyone", "parent_pr", Sex.FEMALE, datetime.date(1990, 1, 2))
    involve(only, other_practitioner, Involved.LEAD_PROFESSIONAL)
    for i in range(10):
        family = _build_family(other_practitioner if i % 2 else practitioner, "Manyfold", 3)
        if i % 4 == 1:
            involve(family, other_practitioner, Involved.LEAD_PROFESSIONAL)
    client = client_for(practitioner)
    client.get(reverse("web:dashboard"))

    one_count, one_body = _count(client, reverse("people:family_start"), {"family_name": "Onlyone"})
    many_count, many_body = _count(client, reverse("people:family_start"), {"family_name": "Manyfold"})

    assert "A record you cannot see" in one_body and "Olu Other" in one_body
    assert "A record you cannot see" in many_body
    assert many_body.count('class="govuk-summary-card"') == 30
    assert one_count == many_count, f"find page: {one_count} queries for 1 match, {many_count} for 30"
    assert many_count <= SEARCH_PAGE_MAX_QUERIES
