import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hearth.access.models import InvolvedAs, Involvement
from hearth.cases import services as cases
from hearth.cases.models import EpisodeOrigin, EpisodeStatus, LevelChange, LevelSource
from hearth.cases.services import TransitionRefused
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people
from hearth.governance.models import AuditAction, AuditEvent
from hearth.people.models import FamilyMember
from hearth.referrals import services, statutory
from hearth.referrals.models import (
    ContactMethod,
    Decision,
    ImmediateRiskContact,
    Referral,
    ReferralKind,
    ReferralStatus,
    RequesterKind,
    StepDown,
)
from hearth.sharing.models import Disclosure, DisclosureKind
from tests.referrals.factories import public_request

YEAR = timezone.localdate().year


def screening(**overrides) -> services.Screening:
    data = {"level": 2, "level_reasons": "Attendance falling; parents asking for help.",
            "decision": Decision.ADVICE, "outcome_message": "We have sent you information about parenting courses."}
    data.update(overrides)
    return services.Screening(**data)


# ---------------------------------------------------------------------------------------------------
# Requests for support


@pytest.mark.django_db
def test_a_practitioners_request_lands_in_the_queue_with_a_reference_and_their_details(practitioner,
                                                                                       practitioner_request):
    r = practitioner_request
    assert r.reference == f"RFS-{YEAR}-000001"
    assert r.kind == ReferralKind.REQUEST
    assert r.status == ReferralStatus.AWAITING_SCREENING
    assert r.requester_kind == RequesterKind.PRACTITIONER
    assert (r.requester_name, r.requester_email, r.requester_agency) == (
        practitioner.full_name, practitioner.email, "Hill School")
    assert r.family_agrees is True and r.agreement_method == "verbal" and r.agreement_given_by == "Their mother"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="referrals.referral",
                                     object_id=str(r.pk), actor=practitioner).exists()


@pytest.mark.django_db
def test_references_count_up_within_the_year(council):
    first = services.referral_public_create(council=council, request=public_request())
    second = services.referral_public_create(council=council, request=public_request(name="Another Parent"))
    assert (first.reference, second.reference) == (f"RFS-{YEAR}-000001", f"RFS-{YEAR}-000002")


@pytest.mark.django_db
def test_a_reference_taken_at_the_same_moment_is_retried_with_the_next_number(council, monkeypatch):
    taken = services.referral_public_create(council=council, request=public_request())
    real = services._next_reference
    calls = []

    def clashing(year):
        calls.append(year)
        return taken.reference if len(calls) == 1 else real(year)

    monkeypatch.setattr(services, "_next_reference", clashing)
    second = services.referral_public_create(council=council, request=public_request(name="Someone Else"))
    assert second.reference == f"RFS-{YEAR}-000002"
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_request_needs_concerns_and_how_and_by_whom_the_family_agreed(practitioner, family):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_request_create(actor=practitioner, family=family, concerns=" ", family_agrees=True)
    assert set(caught.value.errors) == {"concerns", "agreement_method", "agreement_given_by"}
    with pytest.raises(ValidationFailed) as caught:
        services.referral_request_create(actor=practitioner, family=family, concerns="Worried", family_agrees=None)
    assert set(caught.value.errors) == {"family_agrees"}
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_request_the_family_has_not_agreed_to_yet_is_recorded_as_not_yet_asked(practitioner, family):
    r = services.referral_request_create(actor=practitioner, family=family, concerns="Worried", family_agrees=False,
                                         agreement_method="written", agreement_given_by="Mum")
    assert (r.family_agrees, r.agreement_method, r.agreement_given_by) == (False, "not_yet", "")


@pytest.mark.django_db
def test_a_practitioner_cannot_request_support_for_a_family_they_cannot_see(other_practitioner, family):
    with pytest.raises(NotPermitted):
        services.referral_request_create(actor=other_practitioner, family=family, concerns="x", family_agrees=False)


@pytest.mark.django_db
def test_a_request_for_a_family_with_an_open_episode_is_refused_naming_its_lead(practitioner, family, episode):
    with pytest.raises(Conflict, match="Pat Practitioner \\(Hill School\\)"):
        services.referral_request_create(actor=practitioner, family=family, concerns="x", family_agrees=False)


@pytest.mark.django_db
def test_a_second_request_while_one_waits_for_screening_is_refused(practitioner, family, practitioner_request):
    with pytest.raises(Conflict, match=practitioner_request.reference):
        services.referral_request_create(actor=practitioner, family=family, concerns="x", family_agrees=False)


@pytest.mark.django_db
def test_a_public_request_is_audited_with_no_actor_and_no_personal_data(council):
    r = services.referral_public_create(council=council, request=public_request())
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referrals.referral", object_id=str(r.pk))
    assert event.actor_id is None
    assert "Jo Sample" not in str(event.detail)
    assert r.family is None and r.agreement_given_by == "Jo Sample" and r.postcode == "OX4 3LX"


@pytest.mark.django_db
def test_a_public_request_needs_a_way_to_reply_a_real_postcode_and_agreement(council):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_public_create(council=council, request=public_request(
            email="", phone="", postcode="OX4 3LI", agrees=False))
    assert set(caught.value.errors) == {"email", "postcode", "agrees"}
    assert "Enter a real UK postcode" in caught.value.errors["postcode"]
    with pytest.raises(ValidationFailed) as caught:
        services.referral_public_create(council=council, request=public_request(email="", phone="12"))
    assert set(caught.value.errors) == {"phone"}
    assert not Referral.objects.exists()


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


# ---------------------------------------------------------------------------------------------------
# Linking a public request to a family


@pytest.mark.django_db
def test_linking_a_public_request_to_a_new_family_makes_the_screener_hold_it(screener, public_referral):
    new = services.NewFamily(name="The Sample family", role="parent_pr", given_name="Jo", family_name="Sample",
                             date_of_birth=datetime.date(1990, 3, 27))
    r = services.referral_link_family(actor=screener, referral=public_referral, version=1, new_family=new)
    assert r.family.name == "The Sample family" and r.version == 2
    member = FamilyMember.objects.get(family=r.family)
    assert (member.person.given_name, member.person.date_of_birth) == ("Jo", datetime.date(1990, 3, 27))
    assert Involvement.objects.filter(family=r.family, user=screener, relationship=InvolvedAs.MASH,
                                      ended_at__isnull=True).exists()
    with pytest.raises(Conflict, match="already linked"):
        services.referral_link_family(actor=screener, referral=public_referral, version=2, family=r.family)


@pytest.mark.django_db
def test_a_request_can_be_linked_only_to_a_family_the_screener_can_see(screener, family, involve, public_referral):
    with pytest.raises(NotPermitted):
        services.referral_link_family(actor=screener, referral=public_referral, version=1, family=family)
    involve(family, screener, InvolvedAs.MASH)
    r = services.referral_link_family(actor=screener, referral=public_referral, version=1, family=family)
    assert r.family == family


@pytest.mark.django_db
def test_a_new_family_made_from_a_request_needs_the_persons_names(screener, public_referral):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_link_family(actor=screener, referral=public_referral, version=1,
                                      new_family=services.NewFamily(name="The Sample family", role="parent_pr",
                                                                    given_name="", family_name=""))
    assert set(caught.value.errors) == {"given_name", "family_name"}
    public_referral.refresh_from_db()
    assert public_referral.family is None


# ---------------------------------------------------------------------------------------------------
# Step up


@pytest.mark.django_db
def test_a_step_up_sends_the_family_to_mash_and_records_the_bundle_disclosure(practitioner, family, child, episode):
    r = services.referral_step_up(actor=practitioner, episode=episode, concerns="Bruising seen twice this month.",
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
        services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=False)
    assert set(caught.value.errors) == {"consent_not_sought_reason"}
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT


@pytest.mark.django_db
def test_only_the_lead_professional_or_their_oversight_can_step_up(other_practitioner, involve, family, episode):
    involve(family, other_practitioner)
    with pytest.raises(NotPermitted):
        services.referral_step_up(actor=other_practitioner, episode=episode, concerns="x", consent_sought=True)


@pytest.mark.django_db
def test_a_family_already_waiting_for_mash_cannot_be_stepped_up_again(practitioner, episode):
    services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    with pytest.raises(TransitionRefused):
        services.referral_step_up(actor=practitioner, episode=episode, concerns="again", consent_sought=True)
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
    referral = services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
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
    referral = services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
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


@pytest.mark.django_db
def test_the_screener_can_add_people_to_a_family_made_from_a_request(screener, public_referral):
    """The family made from a request is an ordinary family record its creator can add to."""
    new = services.NewFamily(name="The Sample family", role="parent_pr", given_name="Jo", family_name="Sample")
    r = services.referral_link_family(actor=screener, referral=public_referral, version=1, new_family=new)
    person = people.person_create(actor=screener, family=r.family, role="child",
                                  data={"given_name": "Max", "family_name": "Sample"})
    assert person.memberships.get().family == r.family
