"""Fixtures for referrals: screeners, a social worker, an open episode, referrals of each kind."""

import pytest
from django.core.cache import cache

from conftest import make_user
from hearth.access.models import InvolvedAs
from hearth.accounts.models import AgencyKind, Role
from hearth.referrals import services
from hearth.referrals.models import AgreementMethod
from tests.referrals.factories import public_request


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public form's rate limit lives in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def screener(make):
    return make("sam.screener@example.test", Role.MASH_SCREENER, kind=AgencyKind.SOCIAL_CARE, agency_name="MASH")


@pytest.fixture
def other_screener(other_council):
    return make_user(other_council, "gil.screener@example.test", [Role.MASH_SCREENER], kind=AgencyKind.SOCIAL_CARE,
                     agency_name="Gloucestershire MASH")


@pytest.fixture
def social_worker(make, family, involve):
    sw = make("sue.social@example.test", Role.SOCIAL_WORKER, kind=AgencyKind.SOCIAL_CARE,
              agency_name="Children's social care")
    involve(family, sw, InvolvedAs.SOCIAL_WORK)
    return sw


@pytest.fixture
def new_lead(make):
    return make("lou.lead@example.test", Role.PRACTITIONER, kind=AgencyKind.EARLY_HELP_TEAM, agency_name="Early Help")


@pytest.fixture
def practitioner_request(practitioner, family):
    return services.referral_request_create(
        actor=practitioner, family=family, concerns="Attendance has fallen to 70 per cent since September.",
        tried_already="Two meetings with the school.", hoped_for="A family support worker.", family_agrees=True,
        agreement_method=AgreementMethod.VERBAL, agreement_given_by="Their mother")


@pytest.fixture
def public_referral(council):
    return services.referral_public_create(council=council, request=public_request())


@pytest.fixture
def phone_only_referral(council):
    return services.referral_public_create(council=council, request=public_request(email="", phone="07700 900982"))
