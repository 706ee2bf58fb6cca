
import pytest

from tests.factories import DpoFactory


@pytest.fixture
def far_dpo(other_council):
    """Another council's data protection officer."""
    return DpoFactory(email="far.dpo@example.test", agency_name=None, agency__council=other_council)
