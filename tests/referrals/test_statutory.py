"""Between Early Help and statutory services: stepping a family up to MASH and MASH's decision on it, stepping a
family down from social care, and contacts with MASH when a child is at immediate risk."""

import datetime

import pytest
from django.utils import timezone

from hearth.access.models import InvolvedAs, Involvement
from hearth.cases.models import EpisodeOrigin, EpisodeStatus, LevelChange, LevelSource
from hearth.cases.services import TransitionRefused
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.referrals import services, statutory
from hearth.referrals.models import (
    ContactMethod,
    Decision,
    ImmediateRiskContact,
    Referral,
    ReferralKind,
    ReferralStatus,
    StepDown,
)
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.referrals.factories import screening

# ---------------------------------------------------------------------------------------------------
# Step up


@pytest.mark.django_db
def test_a_step_up_sends_the_family_to_mash_and_records_the_bundle_disclosure(practitioner, family, child, episode):
    r = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="Bruising seen twice this month.",
                                  consent_sought=False,
                                  consent_not_sought_reason="Seeking consent would increase the risk to Max.")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    assert (r.kind, r.family, r.episode, r.status) == (ReferralKind.STEP_UP, family, episode,
                                                       ReferralStatus.AWAITING_SCREENING)
    assert "Max Testfamily (Child or young person, born 1 May 2016)" in r.family_details
    disclosure = Disclosure.objects.get(family=family)
    assert disclosure.kind == DisclosureKind.STEP_UP_BUNDLE
    assert "consent not sought" in disclosure.basis


@pytest.mark.django_db
def test_a_step_up_without_consent_needs_the_reason(practitioner, episode):
    with pytest.raises(ValidationFailed) as caught:
        statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=False)
    assert set(caught.value.errors) == {"consent_not_sought_reason"}
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT


@pytest.mark.django_db
def test_only_the_lead_professional_or_their_oversight_can_step_up(other_practitioner, involve, family, episode):
    involve(family, other_practitioner)
    with pytest.raises(NotPermitted):
        statutory.referral_step_up(actor=other_practitioner, episode=episode, concerns="x", consent_sought=True)


@pytest.mark.django_db
def test_a_family_already_waiting_for_mash_cannot_be_stepped_up_again(practitioner, episode):
    statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    with pytest.raises(TransitionRefused):
        statutory.referral_step_up(actor=practitioner, episode=episode, concerns="again", consent_sought=True)
    assert Referral.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("decision, level, status", [
    (Decision.ADVICE, 2, EpisodeStatus.ASSESSMENT),
    (Decision.CONSENT_FIRST, 3, EpisodeStatus.ASSESSMENT),
    (Decision.EARLY_HELP_PLAN, 3, EpisodeStatus.ASSESSMENT),
    (Decision.SOCIAL_WORK_ASSESSMENT, 4, EpisodeStatus.SOCIAL_WORK),
    (Decision.EMERGENCY, 4, EpisodeStatus.SOCIAL_WORK),
])
def test_mash_decision_on_a_step_up_moves_the_episode(screener, practitioner, episode, decision, level, status):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    services.referral_decide(actor=screener, referral=referral, version=1, screening=screening(
        decision=decision, level=level, named_lead=practitioner))
    episode.refresh_from_db()
    assert episode.status == status
    assert episode.level == level
    assert episode.lead_professional == practitioner
    if level != 2:
        assert LevelChange.objects.filter(episode=episode, level=level, source=LevelSource.SCREENING).exists()


@pytest.mark.django_db
def test_an_early_help_plan_after_a_step_up_returns_to_the_plan_with_the_named_lead(screener, practitioner, new_lead,
                                                                                   episode):
    from hearth.cases.models import StatusChange

    StatusChange.objects.create(episode=episode, transition="plan_agreed", from_status="assessment", to_status="plan")
    episode.status = EpisodeStatus.PLAN
    episode.save()
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    services.referral_decide(actor=screener, referral=referral, version=1, screening=screening(
        decision=Decision.EARLY_HELP_PLAN, level=3, named_lead=new_lead))
    episode.refresh_from_db()
    assert (episode.status, episode.lead_professional) == (EpisodeStatus.PLAN, new_lead)


# ---------------------------------------------------------------------------------------------------
# Step down


def _step_down(actor, family, lead, **overrides):
    data = {"new_lead": lead, "level": 3, "reason": "N1", "cin_plan_ended_on": timezone.localdate(),
            "single_assessment": "Single assessment text.", "cin_plan": "Child in Need plan text.",
            "handover_meeting_on": None}
    data.update(overrides)
    return statutory.step_down_record(actor=actor, family=family, **data)


@pytest.mark.django_db
def test_a_step_down_opens_an_episode_with_a_plan_the_new_lead_and_the_history(social_worker, new_lead, family):
    step_down = _step_down(social_worker, family, new_lead)
    episode = step_down.episode
    assert (episode.origin, episode.status, episode.level, episode.lead_professional) == (
        EpisodeOrigin.STEP_DOWN, EpisodeStatus.PLAN, 3, new_lead)
    assert episode.next_review_due == timezone.localdate() + datetime.timedelta(weeks=6)
    assert LevelChange.objects.get(episode=episode).source == LevelSource.STEP_DOWN
    assert step_down.single_assessment == "Single assessment text." and step_down.social_worker == social_worker
    assert Involvement.objects.filter(family=family, user=new_lead, relationship=InvolvedAs.LEAD_PROFESSIONAL,
                                      ended_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_step_down_to_level_four_is_refused(social_worker, new_lead, family):
    with pytest.raises(ValidationFailed) as caught:
        _step_down(social_worker, family, new_lead, level=4)
    assert "1 to 3" in caught.value.errors["level"]
    assert not StepDown.objects.exists()


@pytest.mark.django_db
def test_a_step_down_needs_the_assessment_the_plan_and_a_past_end_date(social_worker, new_lead, family):
    with pytest.raises(ValidationFailed) as caught:
        _step_down(social_worker, family, new_lead, single_assessment="", cin_plan=" ",
                   cin_plan_ended_on=timezone.localdate() + datetime.timedelta(days=1))
    assert set(caught.value.errors) == {"single_assessment", "cin_plan", "cin_plan_ended_on"}


@pytest.mark.django_db
def test_a_step_down_is_refused_while_an_episode_is_open_naming_its_lead(social_worker, new_lead, family, episode):
    with pytest.raises(Conflict, match="Pat Practitioner"):
        _step_down(social_worker, family, new_lead)


@pytest.mark.django_db
def test_a_social_worker_not_involved_and_a_practitioner_cannot_step_down(make, practitioner, new_lead, family):
    stranger = make("stan.social@example.test", "social_worker")
    for user in (stranger, practitioner):
        with pytest.raises(NotPermitted):
            _step_down(user, family, new_lead)


# ---------------------------------------------------------------------------------------------------
# Immediate risk


@pytest.mark.django_db
def test_anyone_who_can_see_the_family_records_a_mash_contact_without_an_episode(other_practitioner, involve, family):
    involve(family, other_practitioner)
    contact = statutory.mash_contact_record(actor=other_practitioner, family=family, contacted_at=timezone.now(),
                                           method=ContactMethod.PHONE, concern="Child frightened to go home.",
                                           mash_reference="M-123")
    assert contact.recorded_by == other_practitioner and contact.family == family
    assert not family.episodes.exists()


@pytest.mark.django_db
def test_a_mash_contact_in_the_future_or_without_a_concern_is_refused(practitioner, family):
    with pytest.raises(ValidationFailed) as caught:
        statutory.mash_contact_record(actor=practitioner, family=family, method="fax", concern="",
                                     contacted_at=timezone.now() + datetime.timedelta(hours=2))
    assert set(caught.value.errors) == {"contacted_on", "method", "concern"}
    assert not ImmediateRiskContact.objects.exists()


@pytest.mark.django_db
def test_a_mash_contact_for_a_family_the_user_cannot_see_is_refused(other_practitioner, family):
    with pytest.raises(NotPermitted):
        statutory.mash_contact_record(actor=other_practitioner, family=family, contacted_at=timezone.now(),
                                     method=ContactMethod.PHONE, concern="x")
