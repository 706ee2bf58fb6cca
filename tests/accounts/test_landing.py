"""Each role lands on its own work after signing in."""

import pytest
from django.urls import reverse

from hearth.accounts.models import Role
from tests.factories import PASSWORD


@pytest.fixture
def demo_sign_in(client, settings):
    """Sign in with the password alone (the demo setting's exemption from the security code)."""
    settings.DEMO_MODE = True

    def _sign_in(user, next_url=None):
        user.mfa_exempt_in_demo = True
        user.save()
        url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
        return client.post(url, {"email": user.email, "password": PASSWORD})["Location"]

    return _sign_in


@pytest.mark.django_db
@pytest.mark.parametrize(("roles", "lands_on"), [
    ((Role.PRACTITIONER,), "home:dashboard"),
    ((Role.MASH_SCREENER,), "referrals:queue"),
    ((Role.DPO,), "dpo:home"),
    ((Role.SYSADMIN,), "accounts:admin_users"),
    ((Role.ANALYST,), "reports:home"),
    ((Role.COORDINATOR, Role.MASH_SCREENER), "home:dashboard"),  # works with families too: lands on them
])
def test_each_role_lands_on_its_own_work(make, demo_sign_in, client, roles, lands_on):
    user = make("rowan.role@example.test", *roles)
    assert demo_sign_in(user) == reverse(lands_on)
    assert client.get(reverse(lands_on)).status_code == 200


@pytest.mark.django_db
def test_a_page_asked_for_still_comes_first_but_the_home_page_gives_way(make, demo_sign_in, client):
    dpo = make("dee.role@example.test", Role.DPO)
    assert demo_sign_in(dpo, next_url="/") == reverse("dpo:home")
    client.logout()
    assert demo_sign_in(dpo, next_url=reverse("accounts:security")) == reverse("accounts:security")
