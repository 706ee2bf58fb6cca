"""Consent kinds kept apart; bad input refused; withdrawal takes effect on access at once; lawful bases need a
manager's confirmation; the public-task model covers the team without consent to share."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind, Role
from hearth.consent import services
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.families import services as people
from tests.factories import ShareConsentFactory

TODAY = timezone.localdate


def test_consent_without_a_giver_is_refused(practitioner, family, parent):
    with pytest.raises(ValidationFailed) as exc:
        ShareConsentFactory(family=family, person=parent, given_by=None)
    assert exc.value.errors["given_by"] == "Choose who gave their consent"


def test_written_consent_needs_the_forms_reference_and_a_purpose_and_a_scope(practitioner, family, parent):
    with pytest.raises(ValidationFailed) as exc:
        ShareConsentFactory(family=family, person=parent, method="written", purposes=set(), agency_kinds=[])
    assert set(exc.value.errors) == {"form_reference", "purposes", "agencies"}


def test_a_withdrawal_dated_before_the_consent_is_refused(practitioner, family, parent):
    consent = ShareConsentFactory(family=family, person=parent)
    with pytest.raises(ValidationFailed) as exc:
        services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY() - timedelta(days=5),
                                        how="Phoned the lead professional")
    assert "cannot be dated before it was given" in exc.value.errors["withdrawn_on"]


def test_a_team_member_sees_the_family_only_while_consent_covers_their_agency(practitioner, family, parent,
                                                                               school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    assert not policy.can_view_family(school_worker, family)
    consent = ShareConsentFactory(family=family, person=parent)
    assert policy.can_view_family(school_worker, family)
    services.share_consent_withdraw(actor=practitioner, consent=consent, withdrawn_on=TODAY(),
                                    how="Told the lead professional at a home visit")
    assert not policy.can_view_family(school_worker, family)  # at once
    assert policy.can_view_family(practitioner, family)  # who started the record keeps it, to close safely


def test_an_exclusion_keeps_that_agency_out_even_when_its_kind_is_covered(practitioner, family, parent,
                                                                          school_worker, involve):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    ShareConsentFactory(family=family, person=parent, excluded_agencies=[school_worker.agency])
    assert not policy.can_view_family(school_worker, family)


def test_a_lawful_basis_covers_only_once_a_different_manager_confirms_it(practitioner, family, school_worker,
                                                                         involve, make):
    involve(family, school_worker, InvolvedAs.TAF_MEMBER, covered=False)
    basis = services.lawful_basis_record(actor=practitioner, family=family, kind="safeguarding",
                                         reason="Risk of significant harm", agencies=[school_worker.agency])
    assert not policy.can_view_family(school_worker, family)
    with pytest.raises(NotPermitted):
        services.lawful_basis_confirm(actor=practitioner, basis=basis)
    manager = make("mo.manager@example.test", Role.MANAGER)
    services.lawful_basis_confirm(actor=manager, basis=basis)
    assert policy.can_view_family(school_worker, family)


def test_a_lawful_basis_needs_a_reason_and_a_scope(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        services.lawful_basis_record(actor=practitioner, family=family, kind="crime", reason=" ")
    assert set(exc.value.errors) == {"reason", "agencies"}


def test_under_the_public_task_model_the_team_is_covered_without_consent_to_share(other_council):
    from conftest import make_user

    lead = make_user(other_council, "lead@example.test", [Role.PRACTITIONER])
    other_council.consent_model = "public_task"
    other_council.save()
    family = people.family_create(actor=lead, name="The Publictask family")
    school = make_user(other_council, "s@example.test", [Role.PRACTITIONER], kind=AgencyKind.SCHOOL)
    from hearth.access import services as access_services

    access_services.involvement_start(actor=lead, family=family, user=school, relationship=InvolvedAs.TAF_MEMBER)
    assert policy.can_view_family(school, family)


def test_agreement_to_early_help_is_kept_apart_and_can_be_withdrawn(practitioner, family, parent):
    agreement = services.agreement_record(actor=practitioner, family=family, given_by=parent,
                                          giver_kind="parent_pr", given_on=TODAY(), method="verbal")
    assert not family.share_consents.exists()
    services.agreement_withdraw(actor=practitioner, agreement=agreement, withdrawn_on=TODAY(),
                                how="Said they no longer want support")
    agreement.refresh_from_db()
    assert not agreement.is_active


def test_a_decision_not_to_seek_consent_needs_the_reason(practitioner, family):
    with pytest.raises(ValidationFailed) as exc:
        services.not_sought_record(actor=practitioner, family=family, reason="", manager_name="Morgan Manager",
                                   advised_on=TODAY(), advice="Agreed")
    assert set(exc.value.errors) == {"reason"}
    decision = services.not_sought_record(actor=practitioner, family=family,
                                          reason="Asking would alert the person posing the risk",
                                          manager_name="Morgan Manager", advised_on=TODAY(), advice="Agreed")
    assert decision.decided_by == practitioner and decision.manager_consulted == "Morgan Manager"
