"""The administrator's pages for council single sign-on: providers, their rules, and accounts waiting for approval.
GOV.UK forms, every change audited, the client secret never entered or shown."""

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import AgencyKind, Role, User
from hearth.audit.models import AuditAction, AuditEvent
from hearth.identity import services
from hearth.identity.models import ClaimRule, ExternalIdentity, IdentityProvider
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "a-client-secret-that-must-never-be-shown"


@pytest.fixture
def admin(make):
    return make("ada.admin@example.test", Role.SYSADMIN)


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def _provider_form(**overrides):
    data = {"name": "Cambridgeshire County Council",
            "discovery_url": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0",
            "client_id": "11111111-2222-3333-4444-555555555555",
            "client_secret_variable": "HEARTH_OIDC_SECRET_OXFORDSHIRE_ENTRA", "email_domains": "example.test",
            "is_enabled": "on", "require_mfa": "on", "mfa_amr_values": "mfa"}
    data.update(overrides)
    return data


def test_an_administrator_adds_a_provider_and_a_rule_and_both_are_audited(admin_client, admin, council,
                                                                         monkeypatch):
    monkeypatch.setenv("HEARTH_OIDC_SECRET_OXFORDSHIRE_ENTRA", SECRET)
    response = admin_client.post(reverse("identity:admin_provider_new"), _provider_form())
    provider = IdentityProvider.objects.get(council=council)
    assert response["Location"] == reverse("identity:admin_provider_edit", kwargs={"provider_id": provider.pk})
    assert AuditEvent.objects.filter(actor=admin, action=AuditAction.ADMIN, object_id=str(provider.pk),
                                     detail__created=True).exists()
    for page in (reverse("identity:admin_providers"), response["Location"]):
        body = admin_client.get(page).content.decode()
        assert SECRET not in body and "sign-in/council/callback" in body
    assert "Set" in admin_client.get(reverse("identity:admin_providers")).content.decode()

    team = factories.TeamFactory(agency__council=council)
    response = admin_client.post(reverse("identity:admin_rule_new", kwargs={"provider_id": provider.pk}), {
        "claim": "roles", "value": "Hearth.Coordinator", "role": Role.COORDINATOR, "team": team.pk})
    rule = ClaimRule.objects.get(provider=provider)
    assert (rule.claim, rule.value, rule.role, rule.team) == ("roles", "Hearth.Coordinator", Role.COORDINATOR, team)
    assert AuditEvent.objects.filter(actor=admin, detail__rule_added=rule.pk).exists()
    assert "roles contains Hearth.Coordinator" in admin_client.get(response["Location"]).content.decode()

    admin_client.post(response["Location"], {"action": "remove_rule", "rule": rule.pk})
    assert not ClaimRule.objects.exists()
    assert AuditEvent.objects.filter(actor=admin, detail__rule_removed=rule.pk).exists()


def test_only_a_variable_named_for_single_sign_on_may_hold_the_secret(admin_client):
    response = admin_client.post(reverse("identity:admin_provider_new"),
                                 _provider_form(client_secret_variable="HEARTH_SECRET_KEY"))
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert "starting HEARTH_OIDC_SECRET_" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_creating_accounts_needs_an_agency_and_email_domains(admin_client):
    response = admin_client.post(reverse("identity:admin_provider_new"),
                                 _provider_form(may_create_accounts="on", email_domains=""))
    body = response.content.decode()
    assert "Choose the agency new accounts join" in body and "Enter the email domains" in body


def test_two_administrators_editing_a_provider_do_not_undo_each_other(admin_client, council):
    provider = IdentityProvider.objects.create(council=council, name="Council", client_id="a",
                                               discovery_url="https://login.example.test/t/v2.0",
                                               client_secret_variable="HEARTH_OIDC_SECRET_OXFORDSHIRE_A")
    url = reverse("identity:admin_provider_edit", kwargs={"provider_id": provider.pk})
    first = admin_client.post(url, _provider_form(name="First", version=provider.version))
    assert first.status_code == 302
    second = admin_client.post(url, _provider_form(name="Second", version=provider.version))
    assert second.status_code == 200 and "Someone else changed this sign-in provider" in second.content.decode()
    assert IdentityProvider.objects.get(pk=provider.pk).name == "First"


def test_refusing_a_waiting_account_keeps_it_off(admin_client, admin, council):
    provider = IdentityProvider.objects.create(council=council, name="Council", client_id="a",
                                               discovery_url="https://login.example.test/t/v2.0",
                                               client_secret_variable="HEARTH_OIDC_SECRET_OXFORDSHIRE_A")
    agency = factories.AgencyFactory(council=council, name="Council Early Help", kind=AgencyKind.EARLY_HELP_TEAM)
    waiting = User.objects.create(email="new.starter@example.test", full_name="New Starter", agency=agency,
                                  is_active=False)
    ExternalIdentity.objects.create(provider=provider, subject="s", user=waiting, awaiting_approval=True)
    admin_client.post(reverse("identity:admin_waiting"), {"user": waiting.pk, "decision": "refuse"})
    assert not User.objects.get(pk=waiting.pk).is_active
    assert ExternalIdentity.objects.get(user=waiting).refused_at is not None
    assert AuditEvent.objects.filter(actor=admin, detail__single_sign_on_account="refused").exists()
    admin_client.get(reverse("identity:admin_waiting"))  # the message
    assert "0 waiting" in admin_client.get(reverse("identity:admin_waiting")).content.decode()


def test_the_pages_answer_system_administrators_only(practitioner):
    client = Client()
    client.force_login(practitioner)
    for name in ("identity:admin_providers", "identity:admin_provider_new", "identity:admin_waiting"):
        assert client.get(reverse(name)).status_code == 403


def test_an_account_turned_on_from_the_users_page_is_approved(council):
    provider = IdentityProvider.objects.create(council=council, name="Council", client_id="a",
                                               discovery_url="https://login.example.test/t/v2.0",
                                               client_secret_variable="HEARTH_OIDC_SECRET_OXFORDSHIRE_A")
    agency = factories.AgencyFactory(council=council, name="Council Early Help", kind=AgencyKind.EARLY_HELP_TEAM)
    user = User.objects.create(email="new.starter@example.test", full_name="New Starter", agency=agency,
                               is_active=False)
    ExternalIdentity.objects.create(provider=provider, subject="s", user=user, awaiting_approval=True)
    assert services.sign_in(provider=provider, claims={"sub": "s"}).kind == services.WAITING
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert services.sign_in(provider=provider, claims={"sub": "s"}).kind == services.SIGNED_IN
    assert not ExternalIdentity.objects.get(user=user).awaiting_approval


def test_numbers_that_are_not_ascii_digits_answer_without_a_500(admin_client, council):
    provider = IdentityProvider.objects.create(council=council, name="Council", client_id="a",
                                               discovery_url="https://login.example.test/t/v2.0",
                                               client_secret_variable="HEARTH_OIDC_SECRET_OXFORDSHIRE_A")
    url = reverse("identity:admin_provider_edit", kwargs={"provider_id": provider.pk})
    assert admin_client.post(url, {"action": "remove_rule", "rule": "²"}).status_code == 302
    assert admin_client.post(reverse("identity:admin_waiting"), {"user": "²", "decision": "approve"}).status_code == 302
    assert admin_client.post(reverse("identity:admin_waiting"), {"user": "9" * 30, "decision": "refuse"}
                             ).status_code == 302


def test_a_council_may_name_only_a_variable_named_for_itself(admin_client, other_council):
    # On a deployment shared with Gloucestershire, Oxfordshire's administrator cannot have Gloucestershire's client
    # secret sent to an issuer of their choosing.
    response = admin_client.post(reverse("identity:admin_provider_new"),
                                 _provider_form(client_secret_variable="HEARTH_OIDC_SECRET_GLOUCESTERSHIRE"))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "starting HEARTH_OIDC_SECRET_OXFORDSHIRE" in body
    assert not IdentityProvider.objects.exists()
    response = admin_client.post(reverse("identity:admin_provider_new"),
                                 _provider_form(client_secret_variable="HEARTH_OIDC_SECRET_OXFORDSHIRE"))
    assert response.status_code == 302 and IdentityProvider.objects.count() == 1


@pytest.mark.parametrize("field", ["discovery_url", "client_id"])
def test_another_issuer_or_client_id_removes_the_providers_account_links(admin_client, admin, council, practitioner,
                                                                         field):
    provider = IdentityProvider.objects.create(council=council, **{
        k: v for k, v in _provider_form().items() if k in ("name", "discovery_url", "client_id",
                                                             "client_secret_variable", "email_domains")})
    ExternalIdentity.objects.create(provider=provider, subject="subject-of-pat", user=practitioner)
    url = reverse("identity:admin_provider_edit", kwargs={"provider_id": provider.pk})

    # Another name keeps them.
    admin_client.post(url, _provider_form(name="Renamed", version=provider.version))
    assert ExternalIdentity.objects.filter(provider=provider).count() == 1

    other = {"discovery_url": "https://login.example.test/another-tenant/v2.0", "client_id": "another-client"}
    response = admin_client.post(url, _provider_form(name="Renamed", version=provider.version + 1,
                                                     **{field: other[field]}))
    assert response.status_code == 302
    assert not ExternalIdentity.objects.filter(provider=provider).exists()
    assert AuditEvent.objects.filter(actor=admin, action=AuditAction.ADMIN, object_id=str(provider.pk),
                                     detail__changed=[field], detail__links_removed=1).exists()
    assert "1 linked account was unlinked" in admin_client.get(response["Location"]).content.decode()
