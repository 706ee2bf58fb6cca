import pytest

from hearth.accounts.models import AgencyKind
from tests.factories import AgencyFactory, ShareConsentFactory


@pytest.fixture
def surgery(council):
    return AgencyFactory(council=council, name="Bridge Surgery", kind=AgencyKind.GP)


@pytest.fixture
def housing(council):
    return AgencyFactory(council=council, name="District Housing", kind=AgencyKind.HOUSING)


@pytest.fixture
def consent_for(family):
    """Record a consent to share about `person`, given by them, covering the agencies given."""

    def _consent(person, *, agencies=(), agency_kinds=(), excluded_agencies=(), purposes=("for_assessment_planning",)):
        return ShareConsentFactory(family=family, person=person, purposes=set(purposes), agencies=list(agencies),
                                   agency_kinds=list(agency_kinds), excluded_agencies=list(excluded_agencies))

    return _consent
