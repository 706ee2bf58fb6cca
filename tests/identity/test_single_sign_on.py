"""Council single sign-on against a real OpenID Connect provider on loopback (tests/identity/provider/): the
browser's way through Hearth's start, the provider's sign-in and Hearth's callback, nothing of the client library
mocked."""

from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import AgencyKind, Role, User
from hearth.audit.models import AuditAction, AuditEvent
from hearth.identity.models import ClaimRule, ExternalIdentity
from tests import factories
from tests.identity.conftest import AFTER_SIGN_OUT, CLIENT_ID, staff_claims, through_provider

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

