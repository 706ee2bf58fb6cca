import pytest

from hearth.accounts.models import AgencyKind, Role


@pytest.fixture
def dpo(make):
    return make("dee.dpo@example.test", Role.DPO, agency_name="Information governance",
                kind=AgencyKind.EARLY_HELP_TEAM)


@pytest.fixture
def second_dpo(make):
    return make("sam.second@example.test", Role.DPO, agency_name="Information governance",
                kind=AgencyKind.EARLY_HELP_TEAM)


@pytest.fixture
def lead(make):
    return make("lee.lead@example.test", Role.PRACTITIONER, agency_name="Early Help North",
                kind=AgencyKind.EARLY_HELP_TEAM)
