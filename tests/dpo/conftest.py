import datetime

import pytest

from hearth.accounts.models import Agency, AgencyKind, Role
from hearth.families import services as people_services
from hearth.people.models import Sex


@pytest.fixture
def dpo(make):
    return make("dee.dpo@example.test", Role.DPO, agency_name="Information governance")


@pytest.fixture
def far_dpo(other_council):
    from conftest import make_user

    return make_user(other_council, "far.dpo@example.test", [Role.DPO])


@pytest.fixture
def mum(practitioner, family):
    return people_services.person_create(
        actor=practitioner, family=family, role="parent_pr",
        data={"given_name": "Jo", "family_name": "Testfamily", "sex": Sex.FEMALE,
              "date_of_birth": datetime.date(1988, 2, 14), "phone": "07700 900111"})


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
