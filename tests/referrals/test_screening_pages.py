"""The screening page, used the way a screener would: the council's levels, a decision and its errors, the
call to a requester who gave only a phone number, and a referral screened twice."""

import pytest
from django.core import mail
from django.urls import reverse

from hearth.cases import services as cases
from hearth.cases.models import EpisodeOrigin
from hearth.referrals.models import Referral, ReferralStatus
from tests.queue import run_jobs
from tests.referrals.factories import screening_form

# ---------------------------------------------------------------------------------------------------
# Screening


@pytest.mark.django_db
def test_the_screening_page_shows_the_councils_level_names_and_descriptions(client_for, screener, council,
                                                                           practitioner_request):
    body = client_for(screener).get(reverse("referrals:screen", args=[practitioner_request.pk])).content.decode()
    for level in council.levels:
        assert f"Level {level['number']}: {level['name']}" in body
    assert council.levels[0]["description"][:40] in body


@pytest.mark.django_db
def test_a_screener_decides_an_early_help_plan_and_the_episode_opens(client_for, screener, new_lead, family,
                                                                     practitioner_request):
    response = client_for(screener).post(
        reverse("referrals:screen", args=[practitioner_request.pk]),
        screening_form(practitioner_request, decision="early_help_plan", level="3", reason="N4",
                        named_lead=new_lead.pk, outcome_message="An Early Help plan will start."), follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:queue")
    assert "an early help plan is needed" in response.content.decode()
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.DECIDED
    assert referral.episode.lead_professional == new_lead and referral.episode.origin == EpisodeOrigin.REQUEST
    run_jobs()
    assert mail.outbox[0].to == [referral.requester_email]


@pytest.mark.django_db
def test_an_early_help_plan_for_a_family_already_open_shows_the_conflict_on_the_form(
        client_for, screener, new_lead, family, practitioner, practitioner_request):
    cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    response = client_for(screener).post(
        reverse("referrals:screen", args=[practitioner_request.pk]),
        screening_form(practitioner_request, decision="early_help_plan", reason="N4", named_lead=new_lead.pk,
                        outcome_message="Kept text of the message."))
    body = response.content.decode()
    assert response.status_code == 200
    assert "already has an open Early Help episode" in body and "Pat Practitioner (Hill School)" in body
    assert "Kept text of the message." in body
    assert Referral.objects.get().status == ReferralStatus.AWAITING_SCREENING


@pytest.mark.django_db
def test_a_decision_without_reasons_shows_the_error(client_for, screener, practitioner_request):
    response = client_for(screener).post(reverse("referrals:screen", args=[practitioner_request.pk]),
                                         screening_form(practitioner_request, level_reasons=""))
    assert "Give the reasons for the level of need" in response.content.decode()
    assert Referral.objects.get().status == ReferralStatus.AWAITING_SCREENING


@pytest.mark.django_db
def test_a_phone_only_request_asks_the_screener_to_confirm_the_call(client_for, screener, phone_only_referral):
    client = client_for(screener)
    url = reverse("referrals:screen", args=[phone_only_referral.pk])
    assert "I have told them the outcome by phone" in client.get(url).content.decode()
    response = client.post(url, screening_form(phone_only_referral))
    assert "Phone them to tell them the outcome" in response.content.decode()
    response = client.post(url, screening_form(phone_only_referral, told_by_phone="on"))
    assert response.status_code == 302
    assert Referral.objects.get().outcome_told_how == "phone"


@pytest.mark.django_db
def test_screening_a_decided_referral_again_is_refused(client_for, screener, practitioner_request):
    client = client_for(screener)
    url = reverse("referrals:screen", args=[practitioner_request.pk])
    client.post(url, screening_form(practitioner_request))
    response = client.post(url, screening_form(practitioner_request, version=2, decision="emergency"))
    assert "already been screened" in response.content.decode()
    assert Referral.objects.get().decision == "advice"
    assert client.get(url).status_code == 302
