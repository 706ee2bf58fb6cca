
import pytest

from hearth.accounts.models import Agency, AgencyKind
from tests.factories import DpoFactory


@pytest.fixture
def far_dpo(other_council):
    """Another council's data protection officer."""
    return DpoFactory(email="far.dpo@example.test", agency_name=None, agency__council=other_council)


@pytest.fixture
def surgery(council):
    agency, _ = Agency.objects.get_or_create(council=council, name="Bridge Surgery",
                                             defaults={"kind": AgencyKind.GP, "email": "practice@bridge.example.test"})
    return agency


@pytest.fixture
def housing(council):
    agency, _ = Agency.objects.get_or_create(council=council, name="District Housing",
                                             defaults={"kind": AgencyKind.HOUSING})
    return agency
