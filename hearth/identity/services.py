"""Council single sign-on: who a validated ID token is (matched, linked or created), what the administrator's rules
give them, and the administrator's settings and approvals. Every change is audited; no claim's value is written to
the audit log or the logs, only record ids and which check failed."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hearth.accounts import events
from hearth.accounts.models import Agency, Role, Team, User, UserRole
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.identity.models import (
    SECRET_PREFIX,
    ClaimRule,
    ExternalIdentity,
    IdentityProvider,
    secret_code,
    secret_variable_fits,
)

SIGNED_IN, WAITING, INACTIVE, NO_ACCOUNT = "signed_in", "waiting", "inactive", "no_account"


@dataclass
class Outcome:
    kind: str
    user: User | None = None
    mfa_shown: bool = False


def failed(provider: IdentityProvider | None, reason: str, user: User | None = None) -> None:
    """A refused single sign-on, in the audit log as a failed sign-in with the check that failed."""
    detail = {"step": "single_sign_on", "reason": reason, **({"provider": provider.pk} if provider else {})}
    if user is not None:
        trail.record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, detail=detail)
    else:
        trail.record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="accounts.user", detail=detail)


def verified_email(provider: IdentityProvider, claims: dict) -> str:
    """The email address the provider vouches for: marked verified (`email_verified`, or Entra ID's `xms_edov`,
    email domain owner verified) and in one of the domains the administrator listed for the provider."""
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email or email.rsplit("@", 1)[1] not in provider.domains:
        return ""
    verified = claims.get("email_verified", claims.get("xms_edov"))
    return email if verified in (True, "true", "True", 1, "1") else ""


def mfa_shown(provider: IdentityProvider, claims: dict) -> bool:
    """Whether the ID token shows multi-factor authentication the administrator accepts: an `amr` value (Entra ID
    sends ["pwd", "mfa"]) or the `acr` value."""
    if not provider.require_mfa:
        return False
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else amr
    if provider.amr_values & {str(v) for v in amr if isinstance(v, str | int)}:
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in provider.acr_values


@dataclass
class Given:
    roles: set[str] | None  # None: the provider has no rule about roles, so they are left as they are
    agency: Agency | None
    team: Team | None


def given_by_rules(provider: IdentityProvider, claims: dict) -> Given:
    rules = list(provider.rules.select_related("agency", "team__agency"))
    matched = [r for r in rules if r.matches(claims)]
    roles = {r.role for r in matched if r.role} if any(r.role for r in rules) else None
    team = next((r.team for r in matched if r.team_id), None)
    agency = team.agency if team else next((r.agency for r in matched if r.agency_id), None)
    return Given(roles=roles, agency=agency, team=team)


def _apply(user: User, provider: IdentityProvider, given: Given) -> None:
    """What the rules give, applied at each sign-in; audited when it changes anything."""
    changes = {}
    held = set(user.role_set)
    # Rules never take the system administrator role away: a change in the council's directory must not lock its
    # administrators out of Hearth (it is taken away on the users page).
    wanted = None if given.roles is None else given.roles | (held & {Role.SYSADMIN})
    if wanted is not None and wanted != held:
        user.roles.exclude(role__in=wanted).delete()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in wanted - held])
        user.__dict__.pop("_role_cache", None)
        changes["roles"] = sorted(wanted)
    fields = []
    if given.agency is not None and given.agency.pk != user.agency_id:
        user.agency = given.agency
        fields.append("agency")
        changes["agency"] = given.agency.pk
        if user.team_id and user.team.agency_id != given.agency.pk and given.team is None:
            user.team = None
            fields.append("team")
            changes["team"] = None
    if given.team is not None and given.team.pk != user.team_id:
        user.team = given.team
        fields.append("team")
        changes["team"] = given.team.pk
    if not changes:
        return
    # Any change moves the version on, roles too, so that an administrator's form opened before it is refused.
    user.version += 1
    user.save(update_fields=sorted(set(fields)) + ["version"])
    events.user_changed.call(user=user)
    trail.record(actor=user, action=AuditAction.UPDATE, obj=user, detail={
        "single_sign_on": provider.pk, "from_claim_rules": changes})


def _name(claims: dict, email: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(k) or "").strip() for k in ("given_name", "family_name")).strip()
    return (name or email.split("@")[0])[:200]


@transaction.atomic
def sign_in(*, provider: IdentityProvider, claims: dict) -> Outcome:
    """Who a validated ID token is. Matched by the stored link to the provider's subject, else by the email address
    the provider vouches for (and then linked); else created where the provider allows it, inactive and waiting for
    an administrator. A disabled or refused account is refused."""
    subject = str(claims["sub"])[:255]
    link = ExternalIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    email = verified_email(provider, claims)
    if link is None and email:
        user = User.objects.filter(email__iexact=email, agency__council=provider.council).first()
        if user is not None and ExternalIdentity.objects.filter(provider=provider, user=user).exists():
            # The user already has an account at this provider: another subject with their email address is not
            # them (a renamed or re-created account at the provider is for an administrator to sort out).
            trail.record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, detail={
                "step": "single_sign_on", "reason": "already_linked", "provider": provider.pk})
            return Outcome(NO_ACCOUNT)
        if user is not None:
            link = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
            trail.record(actor=user, action=AuditAction.UPDATE, obj=user, detail={
                "single_sign_on": provider.pk, "linked": True})
    if link is None:
        return _create(provider, claims, subject, email)
    user = link.user
    if not user.is_active:
        waiting = link.awaiting_approval and link.refused_at is None
        failed(provider, "awaiting_approval" if waiting else "inactive", user)
        return Outcome(WAITING if waiting else INACTIVE, user)
    if link.awaiting_approval:  # an administrator turned the account on from the users page: that approves it
        link.awaiting_approval = False
    _apply(user, provider, given_by_rules(provider, claims))
    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at", "awaiting_approval"])
    return Outcome(SIGNED_IN, user, mfa_shown=mfa_shown(provider, claims))


def _create(provider: IdentityProvider, claims: dict, subject: str, email: str) -> Outcome:
    given = given_by_rules(provider, claims)
    agency = given.agency or provider.new_account_agency
    if (not provider.may_create_accounts or not email or agency is None
            or User.objects.filter(email__iexact=email).exists()):
        failed(provider, "no_account")
        return Outcome(NO_ACCOUNT)
    user = User(email=email, full_name=_name(claims, email), agency=agency,
                team=given.team if given.team and given.team.agency_id == agency.pk else None, is_active=False)
    user.set_unusable_password()
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(given.roles or ())])
    ExternalIdentity.objects.create(provider=provider, subject=subject, user=user, awaiting_approval=True)
    trail.record(actor=None, action=AuditAction.ADMIN, obj=user, detail={
        "created": True, "single_sign_on": provider.pk, "awaiting_approval": True, "roles": sorted(given.roles or ())})
    return Outcome(WAITING, user)


# The administrator's settings.


def _require_admin(actor) -> None:
    if not actor.is_administrator:
        raise NotPermitted("Only a system administrator can manage sign-in providers.")


PROVIDER_FIELDS = ("name", "discovery_url", "client_id", "client_secret_variable", "is_enabled", "email_domains",
                   "may_create_accounts", "new_account_agency", "require_mfa", "mfa_amr_values", "mfa_acr_values")
# Changing either makes the provider another one: its account links are removed (provider_update).
IDENTITY_FIELDS = {"discovery_url", "client_id"}
NOT_A_SECRET_VARIABLE = ("Enter the name of an environment variable starting {prefix}, in capital letters, "  # noqa: S105
                         "numbers and underscores, such as {prefix}_SIGN_IN")
PROVIDER_CHANGED = ("Someone else changed this sign-in provider while you were editing it. Your changes have not "
                    "been saved: check it as it is now and make your changes again.")


def _check(actor, provider: IdentityProvider, values: dict) -> None:
    errors = {}
    if not secret_variable_fits(values.get("client_secret_variable") or "", actor.council):
        errors["client_secret_variable"] = NOT_A_SECRET_VARIABLE.format(
            prefix=SECRET_PREFIX + secret_code(actor.council))
    agency = values.get("new_account_agency")
    if agency is not None and agency.council_id != actor.council.pk:
        errors["new_account_agency"] = "Choose an agency of your council"
    if values.get("may_create_accounts") and agency is None:
        errors["new_account_agency"] = "Choose the agency new accounts join unless a rule gives one"
    if values.get("may_create_accounts") and not (values.get("email_domains") or "").strip():
        errors["email_domains"] = "Enter the email domains whose accounts may be created"
    if values.get("require_mfa") and not ((values.get("mfa_amr_values") or "").strip()
                                          or (values.get("mfa_acr_values") or "").strip()):
        errors["mfa_amr_values"] = "Enter the amr values that show multi-factor authentication, such as mfa"
    same_name = IdentityProvider.objects.filter(council=actor.council, name__iexact=(values.get("name") or "").strip())
    if provider.pk:
        same_name = same_name.exclude(pk=provider.pk)
    if same_name.exists():
        errors["name"] = "A sign-in provider with this name already exists"
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def provider_create(*, actor, **values) -> IdentityProvider:
    _require_admin(actor)
    provider = IdentityProvider(council=actor.council)
    _check(actor, provider, values)
    for field in PROVIDER_FIELDS:
        setattr(provider, field, values.get(field, getattr(provider, field)))
    provider.save()
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=provider, detail={"created": True})
    return provider


@transaction.atomic
def provider_update(*, actor, provider: IdentityProvider, version: int, **values) -> IdentityProvider:
    _require_admin(actor)
    if provider.council_id != actor.council.pk:
        raise NotPermitted("This sign-in provider belongs to another council.")
    saved = locked(IdentityProvider.objects.all(), provider.pk, version=version, conflict=PROVIDER_CHANGED)
    _check(actor, provider, values)
    changed = sorted(f for f in PROVIDER_FIELDS if values.get(f, getattr(saved, f)) != getattr(saved, f))
    for field in PROVIDER_FIELDS:
        setattr(provider, field, values.get(field, getattr(provider, field)))
    provider.version = saved.version + 1
    provider.save()
    detail = {"changed": changed}
    provider.links_removed = 0
    if set(changed) & IDENTITY_FIELDS:
        # Another issuer or application: its subjects are not the old one's, so no stored link may be trusted.
        # Each person is matched again by email address at their next sign-in.
        provider.links_removed, _ = ExternalIdentity.objects.filter(provider=provider).delete()
        detail["links_removed"] = provider.links_removed
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=provider, detail=detail)
    return provider


@transaction.atomic
def rule_add(*, actor, provider: IdentityProvider, claim: str, value: str, role: str = "",
             agency: Agency | None = None, team: Team | None = None) -> ClaimRule:
    _require_admin(actor)
    errors = {}
    if not claim.strip():
        errors["claim"] = "Enter the name of the claim, such as groups"
    if not value.strip():
        errors["value"] = "Enter the value the claim must hold"
    if role and role not in Role.values:
        errors["role"] = "Choose a role"
    if not (role or agency or team):
        errors["role"] = "Choose a role, an agency or a team the rule gives"
    for field, thing in (("agency", agency), ("team", team and team.agency)):
        if thing is not None and thing.council_id != provider.council_id:
            errors[field] = f"Choose a{'n' if field == 'agency' else ''} {field} of your council"
    if errors:
        raise ValidationFailed(errors)
    rule = ClaimRule.objects.create(provider=provider, claim=claim.strip(), value=value.strip(), role=role,
                                    agency=agency, team=team)
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=provider, detail={"rule_added": rule.pk})
    return rule


@transaction.atomic
def rule_remove(*, actor, provider: IdentityProvider, rule_id: int) -> None:
    _require_admin(actor)
    removed, _ = ClaimRule.objects.filter(provider=provider, pk=rule_id).delete()
    if removed:
        trail.record(actor=actor, action=AuditAction.ADMIN, obj=provider, detail={"rule_removed": rule_id})


@transaction.atomic
def decide(*, actor, user: User, approve: bool) -> None:
    """An administrator approves (the account becomes active) or refuses an account the provider's sign-in made."""
    _require_admin(actor)
    links = ExternalIdentity.objects.select_for_update().filter(
        user=user, awaiting_approval=True, refused_at__isnull=True, provider__council=actor.council)
    if not links.exists():
        raise ValidationFailed({"decision": "This account is no longer waiting for approval"})
    if approve:
        links.update(awaiting_approval=False)
        User.objects.filter(pk=user.pk).update(is_active=True, version=F("version") + 1)
    else:
        links.update(refused_at=timezone.now())
    events.user_changed.call(user=User.objects.get(pk=user.pk))
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=user, detail={
        "single_sign_on_account": "approved" if approve else "refused"})
