"""Requests for support, from a practitioner or from the public page, and linking a public request to a family
record: references, what is needed, who may ask, and what is audited."""

import datetime

import pytest
from django.utils import timezone

from hearth.access.models import InvolvedAs, Involvement
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services as people
from hearth.people.models import FamilyMember
from hearth.referrals import services
from hearth.referrals.models import Referral, ReferralKind, ReferralStatus, RequesterKind
from tests.referrals.factories import public_request

YEAR = timezone.localdate().year


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


@pytest.mark.django_db
def test_the_screener_can_add_people_to_a_family_made_from_a_request(screener, public_referral):
    """The family made from a request is an ordinary family record its creator can add to."""
    new = services.NewFamily(name="The Sample family", role="parent_pr", given_name="Jo", family_name="Sample")
    r = services.referral_link_family(actor=screener, referral=public_referral, version=1, new_family=new)
    person = people.person_create(actor=screener, family=r.family, role="child",
                                  data={"given_name": "Max", "family_name": "Sample"})
    assert person.memberships.get().family == r.family
