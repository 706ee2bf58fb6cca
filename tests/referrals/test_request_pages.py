"""The pages of requests for support, used the way a person would: a practitioner's request, the screeners'
queue and who may see it, and linking a public request to a family record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.access.models import InvolvedAs
from hearth.audit.models import AuditAction, AuditEvent
from hearth.referrals import services
from hearth.referrals.models import Referral
from tests.referrals.factories import public_request, screening

# ---------------------------------------------------------------------------------------------------
# A practitioner's request


@pytest.mark.django_db
def test_a_practitioner_sends_a_request_and_is_told_its_reference(client_for, practitioner, family):
    url = reverse("referrals:practitioner_new", args=[family.pk])
    client = client_for(practitioner)
    page = client.get(url).content.decode()
    assert practitioner.email in page and "Hill School" in page
    response = client.post(url, {"concerns": "Not attending school.", "tried_already": "", "hoped_for": "",
                                 "family_agrees": "yes", "agreement_method": "written",
                                 "agreement_given_by": "Their mother"}, follow=True)
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == reverse("families:family", args=[family.pk])
    assert referral.reference in response.content.decode()
    assert referral.family == family and referral.requester_agency == "Hill School"


@pytest.mark.django_db
def test_a_request_with_missing_answers_shows_the_errors_and_keeps_the_text(client_for, practitioner, family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]), {
        "concerns": "Worried about the children.", "family_agrees": "yes"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Say how the family gave their agreement" in body and "Enter who in the family gave" in body
    assert "Worried about the children." in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_request_for_a_family_with_an_open_episode_warns_and_refuses(client_for, practitioner, family, episode):
    client = client_for(practitioner)
    url = reverse("referrals:practitioner_new", args=[family.pk])
    assert "already has an open Early Help episode" in client.get(url).content.decode()
    response = client.post(url, {"concerns": "x", "family_agrees": "no"})
    assert "Contact its lead professional, Pat Practitioner" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_practitioner_not_involved_cannot_open_the_request_page(client_for, other_practitioner, family):
    response = client_for(other_practitioner).get(reverse("referrals:practitioner_new", args=[family.pk]))
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------
# The queue and access


@pytest.mark.django_db
def test_a_practitioner_cannot_see_the_queue(client_for, practitioner, practitioner_request):
    response = client_for(practitioner).get(reverse("referrals:queue"))
    assert response.status_code == 403
    assert practitioner_request.reference not in response.content.decode()


@pytest.mark.django_db
def test_another_councils_screener_cannot_see_the_referral(client_for, other_screener, practitioner_request):
    client = client_for(other_screener)
    response = client.get(reverse("referrals:detail", args=[practitioner_request.pk]))
    assert response.status_code == 403
    assert "Attendance" not in response.content.decode()
    assert practitioner_request.reference not in client.get(reverse("referrals:queue")).content.decode()
    assert client.get(reverse("referrals:screen", args=[practitioner_request.pk])).status_code == 403


@pytest.mark.django_db
def test_the_queue_lists_waiting_referrals_oldest_first_then_recent_decisions(client_for, screener, council,
                                                                             practitioner_request):
    older = services.referral_public_create(council=council, request=public_request())
    Referral.objects.filter(pk=older.pk).update(received_at=timezone.now() - datetime.timedelta(days=2))
    decided = services.referral_public_create(council=council, request=public_request(name="Decided Parent"))
    services.referral_decide(actor=screener, referral=decided, version=1, screening=screening(
        level=1, level_reasons="Universal services", decision="advice", outcome_message="Advice sent."))
    body = client_for(screener).get(reverse("referrals:queue")).content.decode()
    waiting = body[body.index('id="awaiting"'):body.index('id="recent"')]
    assert waiting.index(older.reference) < waiting.index(practitioner_request.reference)
    assert decided.reference not in waiting
    assert decided.reference in body[body.index('id="recent"'):]
    assert "Decided Parent" not in body


@pytest.mark.django_db
def test_viewing_a_referral_is_audited(client_for, screener, family, practitioner_request):
    response = client_for(screener).get(reverse("referrals:detail", args=[practitioner_request.pk]))
    assert response.status_code == 200
    assert "Attendance has fallen to 70 per cent" in response.content.decode()
    assert AuditEvent.objects.filter(actor=screener, action=AuditAction.VIEW, object_type="referrals.referral",
                                     object_id=str(practitioner_request.pk), family_id=family.pk).exists()


@pytest.mark.django_db
def test_a_coordinator_may_screen_too(client_for, make, practitioner_request):
    coordinator = make("cora.coord@example.test", "coordinator")
    assert client_for(coordinator).get(reverse("referrals:detail", args=[practitioner_request.pk])).status_code == 200


# ---------------------------------------------------------------------------------------------------
# Linking a public request


@pytest.mark.django_db
def test_a_screener_creates_a_family_from_a_public_request(client_for, screener, public_referral):
    response = client_for(screener).post(reverse("referrals:link", args=[public_referral.pk]), {
        "action": "new", "version": "1", "name": "The Sample family", "role": "parent_pr", "given_name": "Jo",
        "family_name": "Sample", "date_of_birth-day": "27", "date_of_birth-month": "3", "date_of_birth-year": "1990"})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:screen", args=[public_referral.pk])
    referral = Referral.objects.get()
    assert referral.family.name == "The Sample family"


@pytest.mark.django_db
def test_a_screener_searches_and_links_to_a_family_they_can_see(client_for, screener, involve, family, child,
                                                                public_referral):
    involve(family, screener, InvolvedAs.MASH)
    client = client_for(screener)
    url = reverse("referrals:link", args=[public_referral.pk])
    body = client.get(url, {"given_name": "Max", "family_name": "Testfamily"}).content.decode()
    assert f"Link to {family.name}" in body
    response = client.post(url, {"action": "existing", "version": "1", "family_id": str(family.pk)})
    assert response.status_code == 302
    assert Referral.objects.get().family == family


@pytest.mark.django_db
def test_linking_to_a_family_the_screener_cannot_see_is_refused_on_the_page(client_for, screener, family,
                                                                           public_referral):
    response = client_for(screener).post(reverse("referrals:link", args=[public_referral.pk]),
                                         {"action": "existing", "version": "1", "family_id": str(family.pk)})
    assert response.status_code == 200
    assert "You do not have access to this record" in response.content.decode()
    assert Referral.objects.get().family is None


@pytest.mark.django_db
def test_search_shows_who_leads_a_family_the_screener_cannot_see(client_for, screener, family, child, episode,
                                                                 public_referral):
    body = client_for(screener).get(reverse("referrals:link", args=[public_referral.pk]),
                                    {"given_name": "Max", "family_name": "Testfamily"}).content.decode()
    assert "A record you cannot see" in body and "Pat Practitioner, Hill School" in body
    assert f"Link to {family.name}" not in body
