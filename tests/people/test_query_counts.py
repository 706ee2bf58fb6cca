"""The family page and the search results page issue a fixed number of SQL queries.

Each page is requested twice, for a small and a large case, and the two query counts must be equal:
no query per member, per relationship or per result. An upper bound keeps the fixed number honest.
Search issues one lookup per kind of detail searched for (names, date of birth, NHS number, postcode),
so the small and large searches search for the same kind of detail.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.access.models import InvolvedAs
from hearth.families import selectors, services
from hearth.families.services import AddressInput
from hearth.people import search as people_search
from hearth.people.models import NameKind, RelationshipKind, Sex

# Every statement, from the session and the signed-in user to the audit row (the `page_queries` fixture): the
# family page with its episodes, notes, consent, break-glass, sharing and restriction panels.
FAMILY_PAGE_MAX_QUERIES = 15
# Counted with savepoints: 11 for search and 12 for find-before-create when written (candidates, the access filter and
# the ranking in one statement); a little room around them.
SEARCH_PAGE_MAX_QUERIES = 13


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


def _fill(family, lead, other, mash, dpo):
    """Everything the family page shows: an open episode with a change of level and notes, consents with scopes
    (one withdrawn), a confirmed lawful basis, a decision not to seek consent, another practitioner in the team,
    a break-glass use by MASH, more register entries than the panel shows, and a restriction on a member."""
    from datetime import timedelta

    from django.utils import timezone

    from hearth.access import grants
    from hearth.access.models import BreakGlass, Involvement
    from hearth.cases.models import CaseNote, Episode, EpisodeOrigin, EpisodeStatus, LevelChange, LevelSource
    from hearth.consent.models import (
        BasisKind,
        ConsentScope,
        GiverKind,
        LawfulBasis,
        Method,
        NotSoughtDecision,
        ShareConsent,
    )
    from hearth.rights.models import RequestDecision, RequestKind, Restriction, RightsRequest
    from hearth.sharing.models import Disclosure

    today = timezone.localdate()
    members = [m.person for m in family.members.order_by("pk")]
    episode = Episode.objects.create(family=family, status=EpisodeStatus.PLAN, origin=EpisodeOrigin.PRACTITIONER,
                                     reason="N4", level=2, lead_professional=lead, started_on=today,
                                     next_review_due=today + timedelta(weeks=6))
    for level in (2, 3):
        LevelChange.objects.create(episode=episode, level=level, reasons="Seen", source=LevelSource.START,
                                   decided_by=lead)
    for i in range(8):
        CaseNote.objects.create(family=family, episode=episode, note_type="visit", occurred_on=today,
                                summary=f"Visit {i}", author=lead)
    for withdrawn in (today, None):
        consent = ShareConsent.objects.create(
            family=family, person=members[0], given_by=members[0], giver_kind=GiverKind.PARENT_WITH_PR,
            given_on=today - timedelta(days=30), method=Method.WRITTEN, for_assessment_planning=True,
            review_by=today - timedelta(days=1), withdrawn_on=withdrawn, recorded_by=lead,
            recorded_at=timezone.now() - timedelta(days=30))
        ConsentScope.objects.create(consent=consent, agency=lead.agency)
        ConsentScope.objects.create(consent=consent, agency_kind="police", excluded=True)
    basis = LawfulBasis.objects.create(family=family, kind=BasisKind.PUBLIC_TASK, reason="Safeguarding",
                                       decided_by=lead, confirmed_by=lead, confirmed_at=timezone.now())
    basis.agencies.add(other.agency)
    NotSoughtDecision.objects.create(family=family, reason="Would increase the risk", decided_by=lead)
    Involvement.objects.create(family=family, user=other, relationship=InvolvedAs.TAF_MEMBER)
    BreakGlass.objects.create(family=family, user=mash, reason="Police concern overnight",
                              expires_at=timezone.now() + timedelta(hours=8))
    for i in range(7):
        Disclosure.objects.create(family=family, person=members[1], kind="other", what=f"Entry {i}",
                                  recipient="Health visiting", purpose="Support", basis="Consent",
                                  disclosed_by=lead)
    request = RightsRequest.objects.create(council=family.council, person=members[2], kind=RequestKind.RESTRICTION,
                                           asked="Stop using it", received_on=today, created_by=dpo,
                                           decision=RequestDecision.ACCEPTED, decided_at=timezone.now(),
                                           decided_by=dpo)
    Restriction.objects.create(request=request, person=members[2], what="While the accuracy is checked",
                               started_by=dpo)
    grants.refresh_family(family)


@pytest.mark.django_db
def test_the_family_page_sends_the_same_statements_for_an_empty_family_and_a_full_one(
    client_for, practitioner, other_practitioner, make, page_queries
):
    from hearth.accounts.models import Role

    small = _build_family(practitioner, "Small", 2)
    large = _build_family(practitioner, "Large", 10)
    mash = make("mo.mash@example.test", Role.MASH_SCREENER)
    _fill(large, practitioner, other_practitioner, mash, make("di.dpo@example.test", Role.DPO))
    client = client_for(practitioner)
    client.get(reverse("home:dashboard"))  # settle the session before counting

    small_statements, small_body = page_queries(client, reverse("families:family", args=[small.pk]))
    large_statements, large_body = page_queries(client, reverse("families:family", args=[large.pk]))

    assert small_body.count('href="/people/') >= 2
    assert "ChildH Large" in large_body and "is the sibling of" in large_body
    assert "Police concern overnight" in large_body  # the break-glass banner
    assert "While the accuracy is checked" in large_body  # the restriction banner
    assert "Visit 7" in large_body and "Olu Other" in large_body
    listing = "\n".join(s[:110] for s in large_statements)
    assert len(small_statements) == len(large_statements), listing
    assert len(large_statements) <= FAMILY_PAGE_MAX_QUERIES, listing


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
    client.get(reverse("home:dashboard"))

    one_count, one_body = _count(client, reverse("families:search"), {"family_name": "Onlyone"})
    many_count, many_body = _count(client, reverse("families:search"), {"family_name": "Manyfold"})

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
    involve(only, other_practitioner, InvolvedAs.LEAD_PROFESSIONAL)
    for i in range(10):
        family = _build_family(other_practitioner if i % 2 else practitioner, "Manyfold", 3)
        if i % 4 == 1:
            involve(family, other_practitioner, InvolvedAs.LEAD_PROFESSIONAL)
    client = client_for(practitioner)
    client.get(reverse("home:dashboard"))

    one_count, one_body = _count(client, reverse("families:family_start"), {"family_name": "Onlyone"})
    many_count, many_body = _count(client, reverse("families:family_start"), {"family_name": "Manyfold"})

    assert "A record you cannot see" in one_body and "Olu Other" in one_body
    assert "A record you cannot see" in many_body
    assert many_body.count('class="govuk-summary-card"') == 30
    assert one_count == many_count, f"find page: {one_count} queries for 1 match, {many_count} for 30"
    assert many_count <= SEARCH_PAGE_MAX_QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize("search", [selectors.search_people, selectors.find_existing])
def test_search_ranks_in_the_database_and_sends_no_long_lists_of_ids(practitioner, monkeypatch, search):
    """More candidates than the ranking statement returns: the page still holds the best of them, so the ranking
    happened in the database (by name order alone, the near misses, whose names sort first, would fill it), and no
    statement carries a list of more ids than that statement returns."""
    monkeypatch.setattr(people_search, "MAX_RESULTS", 2)
    monkeypatch.setattr(people_search, "RANK_LIMIT", 6)
    family = services.family_create(actor=practitioner, name="The Rankwell family")
    near = [_add(practitioner, family, f"A{chr(97 + i)}", "Rankwel", "other_adult", Sex.FEMALE,
                 datetime.date(1990, 1, 1 + i)) for i in range(10)]
    best = [_add(practitioner, family, given, "Rankwell", "parent_pr", Sex.MALE, datetime.date(1980, 1, 1))
            for given in ("Zed", "Zoe")]

    with CaptureQueriesContext(connection) as ctx:
        matches = search(practitioner, people_search.SearchQuery(family_name="Rankwell"))

    assert [m.person.pk for m in matches] == [p.pk for p in best]
    assert matches[0].reasons == ["same family name"]
    assert len(near) + len(best) > people_search.RANK_LIMIT
    for query in ctx.captured_queries:
        for listed in re.findall(r" IN \(([^()]*)\)", query["sql"]):
            assert listed.count(",") + 1 <= people_search.RANK_LIMIT, query["sql"]
