import datetime

import pytest
from django.utils import timezone

from hearth.accounts.models import Agency, AgencyKind


@pytest.fixture
def surgery(council):
    agency, _ = Agency.objects.get_or_create(council=council, name="Bridge Surgery", defaults={"kind": AgencyKind.GP})
    return agency


@pytest.fixture
def housing(council):
    agency, _ = Agency.objects.get_or_create(council=council, name="District Housing",
                                             defaults={"kind": AgencyKind.HOUSING})
    return agency


@pytest.fixture
def consent_for(practitioner, family):
    """Record a consent to share about `person`, given by them, covering the agencies given."""
    from hearth.consent import services as consent_services

    def _consent(person, *, agencies=(), agency_kinds=(), excluded_agencies=(), purposes=("for_assessment_planning",)):
        return consent_services.share_consent_record(
            actor=practitioner, family=family, person=person, given_by=person, giver_kind="parent_pr",
            given_on=timezone.localdate() - datetime.timedelta(days=3), method="verbal", purposes=set(purposes),
            agencies=list(agencies), agency_kinds=list(agency_kinds), excluded_agencies=list(excluded_agencies))

    return _consent
