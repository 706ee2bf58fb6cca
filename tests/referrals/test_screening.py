"""Screening a request for support: the decision, the episode an Early Help plan opens, telling the person who
asked, and who may decide."""

import pytest
from django.core import mail

from hearth.access.models import InvolvedAs, Involvement
from hearth.cases import services as cases
from hearth.cases.models import EpisodeOrigin, EpisodeStatus, LevelChange, LevelSource
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.referrals import services
from hearth.referrals.models import Decision, Referral, ReferralStatus
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.queue import run_jobs
from tests.referrals.factories import screening

# ---------------------------------------------------------------------------------------------------
# Screening a request


@pytest.mark.django_db
def test_an_early_help_plan_decision_opens_an_episode_led_by_the_named_lead(screener, new_lead, family,
                                                                            practitioner_request):
    r = services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening(
        decision=Decision.EARLY_HELP_PLAN, level=3, named_lead=new_lead, reason="N4",
        outcome_message="An Early Help plan will start; Lou from Early Help will call you."))
    episode = r.episode
    assert (episode.origin, episode.status, episode.level, episode.lead_professional) == (
        EpisodeOrigin.REQUEST, EpisodeStatus.ASSESSMENT, 3, new_lead)
    assert LevelChange.objects.get(episode=episode).source == LevelSource.SCREENING
    assert (r.status, r.decision, r.named_lead, r.screened_by) == (ReferralStatus.DECIDED,
                                                                   Decision.EARLY_HELP_PLAN, new_lead, screener)
    assert Involvement.objects.filter(family=family, user=new_lead, relationship=InvolvedAs.LEAD_PROFESSIONAL).exists()
    assert Involvement.objects.filter(family=family, user=screener, relationship=InvolvedAs.MASH).exists()


@pytest.mark.django_db
def test_the_person_who_asked_is_emailed_the_outcome_and_the_disclosure_recorded(screener, family,
                                                                                 practitioner_request):
    r = services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening())
    run_jobs()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [practitioner_request.requester_email]
    assert "parenting courses" in mail.outbox[0].body and r.reference in mail.outbox[0].subject
    assert r.outcome_told_how == "email" and r.outcome_told_at is not None
    assert r.episode is None
    disclosure = Disclosure.objects.get(family=family)
    assert disclosure.kind == DisclosureKind.REFERRAL_OUTCOME
    assert disclosure.recipient_agency == practitioner_request.requester_user.agency


@pytest.mark.django_db
def test_an_early_help_plan_for_a_family_with_an_open_episode_is_refused_naming_its_lead(
        screener, new_lead, family, practitioner_request, practitioner):
    cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    with pytest.raises(Conflict, match="Pat Practitioner"):
        services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening(
            decision=Decision.EARLY_HELP_PLAN, named_lead=new_lead, reason="N4"))
    practitioner_request.refresh_from_db()
    assert practitioner_request.status == ReferralStatus.AWAITING_SCREENING
    assert not mail.outbox


@pytest.mark.django_db
def test_an_already_decided_referral_cannot_be_screened_again(screener, practitioner_request):
    services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening())
    with pytest.raises(Conflict, match="already been screened"):
        services.referral_decide(actor=screener, referral=practitioner_request, version=2, screening=screening())


@pytest.mark.django_db
def test_a_decision_on_a_stale_version_is_refused(screener, council, practitioner_request):
    practitioner_request.refresh_from_db()
    Referral.objects.filter(pk=practitioner_request.pk).update(version=2)
    with pytest.raises(Conflict, match="Someone else changed"):
        services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening())


@pytest.mark.django_db
def test_a_decision_needs_reasons_a_level_and_a_message(screener, practitioner_request):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening(
            level=None, level_reasons="  ", outcome_message=""))
    assert set(caught.value.errors) == {"level", "level_reasons", "outcome_message"}


@pytest.mark.django_db
def test_an_early_help_plan_needs_a_lead_a_reason_and_a_level_below_four(screener, practitioner_request):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_decide(actor=screener, referral=practitioner_request, version=1, screening=screening(
            decision=Decision.EARLY_HELP_PLAN, level=4))
    assert set(caught.value.errors) == {"level", "named_lead", "reason"}


@pytest.mark.django_db
def test_an_early_help_plan_needs_the_request_linked_to_a_family(screener, new_lead, public_referral):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_decide(actor=screener, referral=public_referral, version=1, screening=screening(
            decision=Decision.EARLY_HELP_PLAN, named_lead=new_lead, reason="N4"))
    assert set(caught.value.errors) == {"family"}


@pytest.mark.django_db
def test_advice_on_an_unlinked_public_request_is_emailed_with_no_disclosure_to_record(screener, public_referral):
    r = services.referral_decide(actor=screener, referral=public_referral, version=1, screening=screening())
    run_jobs()
    assert mail.outbox[0].to == ["jo.sample@example.test"]
    assert r.outcome_told_how == "email"
    assert not Disclosure.objects.exists()


@pytest.mark.django_db
def test_a_phone_only_requester_must_be_told_by_phone_before_the_decision_is_saved(screener, phone_only_referral):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_decide(actor=screener, referral=phone_only_referral, version=1, screening=screening())
    assert set(caught.value.errors) == {"told_by_phone"}
    r = services.referral_decide(actor=screener, referral=phone_only_referral, version=1,
                                 screening=screening(told_by_phone=True))
    assert r.outcome_told_how == "phone" and r.outcome_told_at is not None
    assert not mail.outbox


@pytest.mark.django_db
def test_only_screeners_of_the_referrals_council_may_decide(practitioner, other_screener, practitioner_request):
    for user in (practitioner, other_screener):
        with pytest.raises(NotPermitted):
            services.referral_decide(actor=user, referral=practitioner_request, version=1, screening=screening())
