import pytest

from hearth.accounts.models import AgencyKind, Role
from tests.factories import DpoFactory


@pytest.fixture
def second_dpo(council):
    """Another data protection officer of the council, for the decisions that need two."""
    return DpoFactory(email="sam.second@example.test", agency__council=council)


@pytest.fixture
def lead(make):
    return make("lee.lead@example.test", Role.PRACTITIONER, agency_name="Early Help North",
                kind=AgencyKind.EARLY_HELP_TEAM)
