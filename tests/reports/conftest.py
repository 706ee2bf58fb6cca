import pytest

from hearth.accounts.models import Role


@pytest.fixture
def analyst(make):
    return make("ali.analyst@example.test", Role.ANALYST)
