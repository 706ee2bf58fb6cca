"""The data protection officer finds a family or a person by searching, not by typing a record number into an
address: the search on the start page leads to the access log of the person and of each of their families, every
search is audited (the ids found, never what was typed), and the search reaches the officer's own council only."""

import pytest
from django.urls import reverse

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.dpo import audit_review
from tests.factories import FamilyFactory, ParentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _search(client, **params):
    return client.get(reverse("dpo:home"), params).content.decode()


def test_the_start_page_offers_a_search_instead_of_record_numbers_in_addresses(dpo, client_for):
    page = _search(client_for(dpo))
    assert "Find who has accessed a family or a person" in page
    assert 'id="find-form"' in page and 'name="family_name"' in page
    assert "/dpo/access/family/" not in page  # no longer asks the officer to type an address


def test_searching_by_name_leads_to_the_access_logs_of_the_person_and_their_family(dpo, mum, family, client_for):
    client = client_for(dpo)
    page = _search(client, given_name="Jo", family_name="Testfamily")
    assert "1 person found" in page
    assert "Jo Testfamily" in page
    person_log = reverse("dpo:access_person", args=[mum.pk])
    family_log = reverse("dpo:access_family", args=[family.pk])
    assert f'href="{person_log}"' in page and f'href="{family_log}"' in page
    assert f"(family record {family.pk})" in page  # the number the breach log asks for, found rather than known
    # Following the link reaches the family's access log.
    assert "Who has accessed family record" in client.get(family_log).content.decode()


def test_a_previous_family_name_and_a_typo_still_find_the_person(dpo, mum, client_for):
    page = _search(client_for(dpo), given_name="Jo", family_name="Testfamly")
    assert "Jo Testfamily" in page


def test_each_search_is_audited_with_the_ids_found_and_never_the_words_typed(dpo, mum, client_for):
    _search(client_for(dpo), family_name="Testfamily")
    event = AuditEvent.objects.filter(actor=dpo, action=AuditAction.SEARCH).latest("pk")
    assert event.detail == {"purpose": "access_review", "results": [mum.pk]}
    assert "Testfamily" not in str(event.detail)
    assert audit_review.describe(event) == "Searched a person's details"


def test_a_search_with_nothing_typed_is_an_error_on_the_page(dpo, client_for):
    response = client_for(dpo).get(reverse("dpo:home"), {"given_name": "", "family_name": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter a name, date of birth, NHS number or postcode" in page
    assert not AuditEvent.objects.filter(actor=dpo, action=AuditAction.SEARCH).exists()


def test_no_match_says_so_plainly(dpo, mum, client_for):
    page = _search(client_for(dpo), family_name="Zzyzx")
    assert "0 people found" in page and "No one in the council" in page


def test_the_search_reaches_the_officers_own_council_only(far_dpo, dpo, mum, other_council, client_for):
    far_practitioner = UserFactory(email="far.pat@example.test", roles=[Role.PRACTITIONER], agency_name=None,
                                   agency__council=other_council)
    far_family = FamilyFactory(actor=far_practitioner)
    ParentFactory(family=far_family)
    page = _search(client_for(far_dpo), given_name="Jo", family_name="Testfamily")
    assert reverse("dpo:access_person", args=[mum.pk]) not in page
    assert reverse("dpo:access_family", args=[far_family.pk]) in page


def test_only_the_data_protection_officer_may_search(practitioner, mum, client_for):
    response = client_for(practitioner).get(reverse("dpo:home"), {"family_name": "Testfamily"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(actor=practitioner, action=AuditAction.SEARCH).exists()
