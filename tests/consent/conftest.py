"""Fixtures for the consent tests: a parent of the family, and a practitioner of a school (an agency kind the
consents made here cover)."""

import pytest

from hearth.accounts.models import AgencyKind, Role
from hearth.families import services as people


@pytest.fixture
def parent(practitioner, family):
    return people.person_create(actor=practitioner, family=family, role="parent_pr",
                                data={"given_name": "Dana", "family_name": "Testfamily"})


@pytest.fixture
def school_worker(make):
    return make("sam.school@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Brook School")
