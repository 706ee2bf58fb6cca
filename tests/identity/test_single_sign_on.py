"""Council single sign-on against a real OpenID Connect provider on loopback (tests/identity/provider/): the
browser's way through Hearth's start, the provider's sign-in and Hearth's callback, nothing of the client library
mocked."""

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import AgencyKind, Role, User
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.models import Council
from hearth.identity import oidc
from hearth.identity.models import ClaimRule, ExternalIdentity, IdentityProvider
from tests import factories
from tests.identity.conftest import (
    AFTER_SIGN_OUT,
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET_VARIABLE,
    staff_claims,
    through_provider,
)

pytestmark = pytest.mark.django_db


def _signed_in_as(client) -> User | None:
    response = client.get(reverse("home:dashboard"))
    return response.wsgi_request.user if response.status_code == 200 else None


def _failures(reason: str | None = None):
    rows = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, detail__step="single_sign_on")
    return rows.filter(detail__reason=reason) if reason else rows


def test_the_sign_in_page_offers_each_councils_provider_above_the_password(client, idp):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in with Oxfordshire County Council" in body
    assert body.index("Sign in with your council account") < body.index('name="password"')


def test_the_page_asked_for_before_sign_in_is_the_one_reached_after(client, idp, provider, practitioner):
    asked = reverse("accounts:security")
    body = client.get(reverse("accounts:login") + f"?next={asked}").content.decode()
    assert f'{reverse("identity:start", args=[idp.pk])}?next=%2Faccount"' in body
    provider.claims(**staff_claims())
    assert through_provider(client, idp, next_url=asked)["Location"] == asked


def test_a_matched_account_signs_in_and_is_linked_to_the_providers_subject(client, idp, provider, practitioner):
    provider.claims(**staff_claims())
    response = through_provider(client, idp)
    assert response.status_code == 302 and response["Location"] == reverse("home:dashboard")
    assert _signed_in_as(client) == practitioner
    link = ExternalIdentity.objects.get(provider=idp, subject="subject-of-pat")
    assert link.user == practitioner and link.last_sign_in_at is not None
    assert AuditEvent.objects.filter(actor=practitioner, action=AuditAction.LOGIN).exists()

    # Next time the subject finds the account, whatever email address the provider now sends.
    client.logout()
    provider.claims(**staff_claims(email="pat.renamed@example.test"))
    assert through_provider(client, idp)["Location"] == reverse("home:dashboard")
    assert _signed_in_as(client) == practitioner


def test_an_email_address_the_provider_does_not_vouch_for_matches_no_account(client, idp, provider, practitioner):
    provider.claims(**staff_claims(email_verified=False))
    response = through_provider(client, idp)
    assert response.status_code == 403 and "You do not have a Hearth account" in response.content.decode()
    assert _signed_in_as(client) is None and not ExternalIdentity.objects.exists()
    assert _failures("no_account").exists()


def test_the_administrators_rules_set_roles_agency_and_team_at_each_sign_in(client, idp, provider, practitioner,
                                                                          council):
    team = factories.TeamFactory(name="North Early Help", agency__council=council, agency__name="Early Help North",
                                 agency__kind=AgencyKind.EARLY_HELP_TEAM)
    ClaimRule.objects.create(provider=idp, claim="groups", value="eh-coordinators", role=Role.COORDINATOR)
    ClaimRule.objects.create(provider=idp, claim="groups", value="eh-practitioners", role=Role.PRACTITIONER)
    ClaimRule.objects.create(provider=idp, claim="groups", value="eh-north", team=team)
    provider.claims(**staff_claims(groups=["eh-coordinators", "eh-north", "unrelated"]))
    through_provider(client, idp)
    user = User.objects.get(pk=practitioner.pk)
    assert set(user.role_set) == {Role.COORDINATOR}
    assert (user.agency, user.team) == (team.agency, team)
    changed = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(user.pk), detail__single_sign_on=idp.pk,
                                     detail__from_claim_rules__roles=[Role.COORDINATOR])
    assert changed.detail["from_claim_rules"]["team"] == team.pk

    client.logout()
    provider.claims(**staff_claims(groups=["eh-practitioners", "eh-north"]))
    through_provider(client, idp)
    assert set(User.objects.get(pk=practitioner.pk).role_set) == {Role.PRACTITIONER}
    # Nothing changed at a third sign-in with the same claims: nothing more audited.
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, detail__has_key="from_claim_rules").count()
    client.logout()
    through_provider(client, idp)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, detail__has_key="from_claim_rules").count() == updates


def test_a_new_account_waits_for_an_administrators_approval(client, idp, provider, council, make):
    admin = make("ada.admin@example.test", Role.SYSADMIN)
    agency = factories.AgencyFactory(council=council, name="Council Early Help", kind=AgencyKind.EARLY_HELP_TEAM)
    idp.may_create_accounts, idp.new_account_agency = True, agency
    idp.save()
    ClaimRule.objects.create(provider=idp, claim="groups", value="eh-practitioners", role=Role.PRACTITIONER)
    provider.claims(**staff_claims(sub="subject-of-new", email="new.starter@example.test", name="New Starter",
                                   groups=["eh-practitioners"]))
    response = through_provider(client, idp)
    assert response.status_code == 200 and "Your account is waiting for approval" in response.content.decode()
    assert _signed_in_as(client) is None
    created = User.objects.get(email="new.starter@example.test")
    assert not created.is_active and created.agency == agency and set(created.role_set) == {Role.PRACTITIONER}

    # Signing in again before the decision: still waiting.
    assert "waiting for approval" in through_provider(client, idp).content.decode()

    # The administrator's page lists it; approving is audited and lets them in.
    admin_client = Client()
    admin_client.force_login(admin)
    page = admin_client.get(reverse("identity:admin_waiting")).content.decode()
    assert "New Starter" in page
    admin_client.post(reverse("identity:admin_waiting"), {"user": created.pk, "decision": "approve"})
    assert User.objects.get(pk=created.pk).is_active
    assert AuditEvent.objects.filter(actor=admin, action=AuditAction.ADMIN, object_id=str(created.pk),
                                     detail__single_sign_on_account="approved").exists()
    assert through_provider(client, idp)["Location"] == reverse("home:dashboard")
    assert _signed_in_as(client) == User.objects.get(pk=created.pk)


def test_no_account_is_made_where_the_council_does_not_allow_it(client, idp, provider):
    provider.claims(**staff_claims(sub="subject-of-stranger", email="stranger@example.test"))
    response = through_provider(client, idp)
    assert response.status_code == 403 and "You do not have a Hearth account" in response.content.decode()
    assert not User.objects.filter(email="stranger@example.test").exists()
    assert _failures("no_account").exists()


def test_a_disabled_account_is_refused(client, idp, provider, practitioner):
    practitioner.is_active = False
    practitioner.save()
    provider.claims(**staff_claims())
    response = through_provider(client, idp)
    assert response.status_code == 403 and "Your Hearth account is not active" in response.content.decode()
    assert _signed_in_as(client) is None
    assert AuditEvent.objects.filter(actor=practitioner, action=AuditAction.LOGIN_FAILED,
                                     detail__reason="inactive").exists()


def test_without_the_providers_mfa_the_security_code_is_asked_for(client, idp, provider, practitioner):
    practitioner.totp_secret, practitioner.totp_confirmed_at = pyotp.random_base32(), timezone.now()
    practitioner.save()
    provider.claims(**staff_claims(amr=["pwd"]))
    response = through_provider(client, idp)
    assert response["Location"] == reverse("accounts:two_factor")
    assert _signed_in_as(client) is None
    response = client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(practitioner.totp_secret).now()})
    assert response["Location"] == reverse("home:dashboard")
    assert _signed_in_as(client) == practitioner


def test_without_mfa_and_without_an_authenticator_app_the_person_sets_one_up(client, idp, provider, practitioner):
    idp.require_mfa = False  # the provider's MFA is not accepted at all: Hearth's code every time
    idp.save()
    provider.claims(**staff_claims())  # amr says mfa, but the council has not accepted it
    assert through_provider(client, idp)["Location"] == reverse("accounts:enrol")
    assert _signed_in_as(client) is None


def test_an_acr_value_the_administrator_accepts_shows_mfa(client, idp, provider, practitioner):
    idp.mfa_amr_values, idp.mfa_acr_values = "", "urn:council:mfa"
    idp.save()
    provider.claims(**staff_claims(amr=["pwd"], acr="urn:council:mfa"))
    assert through_provider(client, idp)["Location"] == reverse("home:dashboard")


@pytest.mark.parametrize(("how", "reason"), [
    ("wrong_audience", "claim_aud"),
    ("wrong_issuer", "claim_iss"),
    ("expired", "expired"),
    ("wrong_nonce", "claim_nonce"),
    ("unpublished_key", "signature"),
])
def test_a_token_that_cannot_be_trusted_is_refused_and_audited(client, idp, provider, practitioner, how, reason):
    provider.claims(**staff_claims())
    provider.misbehave(how)
    response = through_provider(client, idp)
    assert response.status_code == 400
    assert "We could not sign you in with your council account" in response.content.decode()
    assert _signed_in_as(client) is None and not ExternalIdentity.objects.exists()
    assert [e.detail["reason"] for e in _failures().filter(detail__provider=idp.pk)] == [reason]


def test_a_callback_with_another_state_is_refused(client, idp, provider, practitioner):
    provider.claims(**staff_claims())
    response = through_provider(client, idp, state="forged-state")
    assert response.status_code == 400 and _signed_in_as(client) is None
    assert _failures("state").exists()


def test_a_callback_no_sign_in_started_is_refused_without_a_500(client, idp):
    response = client.get(reverse("identity:callback") + "?code=abc&state=def")
    assert response.status_code == 400
    assert client.get(reverse("identity:callback"))["Location"] == reverse("accounts:login")


def test_signing_out_ends_the_session_and_signs_out_at_the_provider(client, idp, provider, practitioner):
    provider.claims(**staff_claims())
    through_provider(client, idp)
    assert _signed_in_as(client) == practitioner
    response = client.post(reverse("accounts:logout_confirm"))
    assert _signed_in_as(client) is None
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == provider.issuer + "/logout/"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == [AFTER_SIGN_OUT] and query["client_id"] == [CLIENT_ID]
    assert query["id_token_hint"][0].count(".") == 2
    # The provider accepts it and sends the browser back to Hearth's sign-in page.
    answer = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(AFTER_SIGN_OUT)
    assert AuditEvent.objects.filter(actor=practitioner, action=AuditAction.LOGOUT).exists()


def test_a_password_sign_out_stays_in_hearth(client, idp, practitioner):
    client.force_login(practitioner)
    assert client.post(reverse("accounts:logout_confirm"))["Location"] == reverse("accounts:login")



# A council's secret stays with the council (shared deployments: Cambridgeshire and Peterborough).


def test_a_provider_naming_another_councils_secret_gets_no_secret(client, idp, other_council, monkeypatch):
    # Saved past the administrator's page (which refuses it too): the secret is refused where it is read.
    monkeypatch.setenv("HEARTH_OIDC_SECRET_GLOUCESTERSHIRE", "gloucestershires-secret")
    idp.client_secret_variable = "HEARTH_OIDC_SECRET_GLOUCESTERSHIRE"
    idp.save()
    assert idp.client_secret() == "" and not idp.has_secret
    assert "Sign in with Oxfordshire" not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("identity:start", args=[idp.pk])).status_code == 503
    assert _failures("no_client_secret").exists()


def test_a_council_whose_code_begins_with_another_s_cannot_name_its_secret(db, idp, council, monkeypatch):
    longer = Council.objects.get(pk=council.pk)
    longer.pk, longer.code = None, "oxfordshire-city"
    longer.save()
    monkeypatch.setenv("HEARTH_OIDC_SECRET_OXFORDSHIRE_CITY", "the-citys-secret")
    idp.client_secret_variable = "HEARTH_OIDC_SECRET_OXFORDSHIRE_CITY"
    assert idp.client_secret() == ""
    idp.client_secret_variable = SECRET_VARIABLE  # its own: HEARTH_OIDC_SECRET_OXFORDSHIRE_TESTS
    assert idp.client_secret() == CLIENT_SECRET


def test_a_token_endpoint_off_the_issuers_host_is_not_sent_the_secret(client, idp, provider):
    port = urlsplit(provider.issuer).port
    provider.discovery(token_endpoint=f"http://localhost:{port}/o/token/")  # loopback, but another host
    response = client.get(reverse("identity:start", args=[idp.pk]))
    assert response.status_code == 503
    assert _failures("untrusted_endpoint").filter(detail__provider=idp.pk).exists()


def test_only_https_endpoints_on_the_issuers_host_are_trusted():
    issuer = "https://login.example.test/tenant/v2.0"
    good = {"token_endpoint": "https://login.example.test/tenant/token",
            "jwks_uri": "https://login.example.test/tenant/keys"}
    assert oidc.endpoints_trusted(good, issuer)
    assert not oidc.endpoints_trusted({**good, "token_endpoint": "http://login.example.test/tenant/token"}, issuer)
    assert not oidc.endpoints_trusted({**good, "jwks_uri": "https://keys.elsewhere.test/keys"}, issuer)
    assert not oidc.endpoints_trusted({**good, "token_endpoint": "https://login.example.test:8443/token"}, issuer)
    assert not oidc.endpoints_trusted({"jwks_uri": good["jwks_uri"]}, issuer)
    assert not oidc.endpoints_trusted(good, "http://login.example.test/tenant/v2.0")
    assert oidc.endpoints_trusted({"token_endpoint": "http://127.0.0.1:8000/o/token/",
                                   "jwks_uri": "http://127.0.0.1:8000/o/jwks/"}, "http://127.0.0.1:8000/o")


# Account links.


def test_a_new_subject_with_the_email_of_an_already_linked_account_is_refused(client, idp, provider, practitioner):
    ExternalIdentity.objects.create(provider=idp, subject="subject-of-pat", user=practitioner)
    provider.claims(**staff_claims(sub="another-subject"))
    response = through_provider(client, idp)
    assert response.status_code == 403 and "You do not have a Hearth account" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not ExternalIdentity.objects.filter(subject="another-subject").exists()
    assert _failures("already_linked").filter(object_id=str(practitioner.pk), detail__provider=idp.pk).exists()


def test_a_verified_email_in_a_domain_not_listed_matches_no_account(client, idp, provider, make):
    elsewhere = make("pat@elsewhere.test")
    provider.claims(**staff_claims(email="pat@elsewhere.test"))
    response = through_provider(client, idp)
    assert response.status_code == 403 and _signed_in_as(client) is None
    assert not ExternalIdentity.objects.filter(user=elsewhere).exists()
    assert _failures("no_account").exists()


def test_an_email_address_of_another_council_matches_no_account(client, idp, provider, other_council):
    theirs = factories.UserFactory(email="pat.practitioner@example.test", roles=[Role.PRACTITIONER],
                                   agency__council=other_council)
    provider.claims(**staff_claims())
    response = through_provider(client, idp)
    assert response.status_code == 403 and _signed_in_as(client) is None
    assert not ExternalIdentity.objects.filter(user=theirs).exists()
    assert _failures("no_account").exists()


# What the rules change.


def test_roles_changed_by_rules_move_the_users_version_on_and_never_take_sysadmin(client, idp, provider, make):
    admin = make("pat.practitioner@example.test", Role.SYSADMIN, Role.PRACTITIONER)
    ClaimRule.objects.create(provider=idp, claim="groups", value="eh-coordinators", role=Role.COORDINATOR)
    provider.claims(**staff_claims(groups=["eh-coordinators"]))
    through_provider(client, idp)
    user = User.objects.get(pk=admin.pk)
    assert set(user.role_set) == {Role.SYSADMIN, Role.COORDINATOR}
    assert user.version == admin.version + 1


# Anonymous requests are limited per client address.


def test_starts_from_one_address_are_limited(client, idp, settings):
    settings.HEARTH_SSO_START_LIMIT = 2
    for _ in range(2):
        assert client.get(reverse("identity:start", args=[idp.pk])).status_code == 302
    response = client.get(reverse("identity:start", args=[idp.pk]))
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()


def test_failed_callbacks_from_one_address_are_limited_and_stop_filling_the_audit_log(client, idp, settings):
    settings.HEARTH_SSO_ADDRESS_LIMIT = 2
    for _ in range(2):
        assert client.get(reverse("identity:callback") + "?code=abc&state=def").status_code == 400
    response = client.get(reverse("identity:callback") + "?code=abc&state=def")
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert _failures("state").count() == 2


def test_a_provider_that_cannot_be_reached_is_not_fetched_at_every_click(client, db, council, monkeypatch):
    fetched = []

    class Down(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            fetched.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Down)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)
        down = IdentityProvider.objects.create(
            council=council, name="Down", discovery_url=f"http://127.0.0.1:{server.server_port}/o",
            client_id=CLIENT_ID, client_secret_variable=SECRET_VARIABLE)
        for _ in range(3):
            assert client.get(reverse("identity:start", args=[down.pk])).status_code == 503
        assert len(fetched) == 1
        oidc.forget_metadata(down)  # as an administrator's save of the provider does
        client.get(reverse("identity:start", args=[down.pk]))
        assert len(fetched) == 2
    finally:
        server.shutdown()
        server.server_close()


# The provider's error.


@pytest.mark.parametrize(("error", "reason"), [
    ("access_denied", "provider_access_denied"),
    ("temporarily_unavailable", "provider_temporarily_unavailable"),
    ("<script>alert(1)</script>", "provider_error"),
    ("pat.practitioner@example.test", "provider_error"),
])
def test_the_providers_error_is_audited_only_as_a_known_code(client, idp, error, reason):
    start = client.get(reverse("identity:start", args=[idp.pk]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("identity:callback"), {"error": error, "state": state})
    assert response.status_code == 400
    assert [e.detail["reason"] for e in _failures().filter(detail__provider=idp.pk)] == [reason]


def test_authlib_logs_nothing_below_a_warning(settings):
    # It logs the PKCE code_verifier at DEBUG: never, whatever HEARTH_LOG_LEVEL says.
    assert settings.LOGGING["loggers"]["authlib"]["level"] == "WARNING"
    assert not logging.getLogger("authlib.integrations.base_client").isEnabledFor(logging.INFO)
