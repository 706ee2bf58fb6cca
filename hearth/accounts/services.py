"""Sign-in, two-factor authentication, lockout and user administration."""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from importlib import import_module

import pyotp
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password as django_check_password
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.template import loader
from django.utils import timezone

from hearth.accounts import events, lockout, tasks
from hearth.accounts.models import Agency, RecoveryCode, ReminderDelivery, Role, Team, User, UserRole
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import limits
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.jobs import queue
from hearth.outbox import services as outbox

RECOVERY_CODE_COUNT = 10


@dataclass
class PasswordResult:
    user: User | None
    needs_enrolment: bool = False
    mfa_required: bool = True


@functools.cache
def _nobodys_hash() -> str:
    """What an unknown email address's password is checked against, so that it costs what a known one's does."""
    return make_password(secrets.token_urlsafe(24))


@transaction.atomic
def check_password(*, request, email: str, password: str) -> PasswordResult:
    """First step of sign-in. Refused alike, after the same password work, for an unknown email address, a wrong
    password, a locked account and a client address over its limit (hearth.accounts.lockout)."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    paused = lockout.refused(request, email)
    right = user.check_password(password) if user is not None else django_check_password(password, _nobodys_hash())
    if user is None or paused or not right:
        _failed(request, email, user, step="password", paused=paused)
        return PasswordResult(user=None)
    exempt = settings.DEMO_MODE and user.mfa_exempt_in_demo
    return PasswordResult(user=user, needs_enrolment=not user.has_totp and not exempt, mfa_required=not exempt)


def _failed(request, email: str, user: User | None, *, step: str, paused: bool = False) -> None:
    if lockout.failed(request, email) and user is not None:
        _tell_locked(user)
    detail = {"step": step, **({"paused": True} if paused else {})}
    if user is None:
        trail.record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="accounts.user", detail=detail)
    else:
        trail.record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, detail=detail)


def _tell_locked(user: User) -> None:
    """The account holder learns their sign-in was paused, whoever was typing."""
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    user.locked_until = until
    user.save(update_fields=["locked_until"])
    outbox.send(to=user.email, kind="account.locked", subject="Signing in to your Hearth account is paused",
                body=loader.render_to_string("accounts/email/locked.txt", {
                    "user": user, "attempts": settings.HEARTH_LOCKOUT_ATTEMPTS, "until": until}))


RESET_ACCOUNT_SCOPE, RESET_ADDRESS_SCOPE = "reset-account", "reset-address"


def password_reset_ask(*, email: str, address: str, domain: str, use_https: bool) -> None:
    """Someone asks for a password reset link. The request does the same work whether or not the email address has
    an account: it queues one job (accounts.tasks.send_password_reset, which writes the email only for an active
    account), unless this email address or this client address has asked too often this hour, when nothing is
    queued. Either way both are counted and the person is told the same."""
    if not (limits.reached(RESET_ACCOUNT_SCOPE, email, settings.HEARTH_RESET_ACCOUNT_LIMIT)
            or limits.reached(RESET_ADDRESS_SCOPE, address, settings.HEARTH_RESET_ADDRESS_LIMIT)):
        queue.enqueue(tasks.send_password_reset, email, domain, use_https)
    limits.hit(RESET_ACCOUNT_SCOPE, email)
    limits.hit(RESET_ADDRESS_SCOPE, address)


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


@transaction.atomic
def verify_second_factor(*, request, user: User, code: str) -> bool:
    """Accept a current TOTP code (each time step once) or an unused recovery code. A wrong code counts against the
    account as a wrong password does; a paused account is refused."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if lockout.refused(request, user.email):
        return False
    code = (code or "").replace(" ", "").strip()
    if code.isdigit() and len(code) == 6 and user.totp_secret:
        totp = pyotp.TOTP(user.totp_secret)
        now = timezone.now().timestamp()
        for offset in (-1, 0, 1):
            step = int(now // 30) + offset
            if step > user.totp_last_step and secrets.compare_digest(totp.at(step * 30), code):
                user.totp_last_step = step
                user.save(update_fields=["totp_last_step"])
                return True
    elif code:
        recovery = user.recovery_codes.filter(code_hash=_hash_code(code), used_at__isnull=True).first()
        if recovery:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            trail.record(actor=user, action=AuditAction.LOGIN, obj=user, detail={"recovery_code_used": True})
            return True
    _failed(request, user.email, user, step="second_factor")
    return False


def is_paused(request, user: User) -> bool:
    return lockout.refused(request, user.email)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Hearth")


@transaction.atomic
def enrol_totp(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm an authenticator app with a code from it; returns new recovery codes (shown once)."""
    code = (code or "").replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)):
        raise ValidationFailed({"code": "Enter the 6-digit code shown in your authenticator app"})
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = int(timezone.now().timestamp() // 30)
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    trail.record(actor=user, action=AuditAction.UPDATE, obj=user, detail={"two_factor": "enrolled"})
    return regenerate_recovery_codes(user=user)


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    user.recovery_codes.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_code(c)) for c in codes])
    return codes


def reminder_delivery_set(*, user: User, delivery: str) -> User:
    """The user's own choice of how reminders of due work reach them (hearth.reminders)."""
    if delivery not in ReminderDelivery.values:
        raise ValidationFailed({"delivery": "Choose how you want to get reminders"})
    if user.reminder_delivery != delivery:
        User.objects.filter(pk=user.pk).update(reminder_delivery=delivery)
        user.reminder_delivery = delivery
        trail.record(actor=user, action=AuditAction.UPDATE, obj=user, detail={"reminder_delivery": delivery})
    return user


def record_login(user: User) -> None:
    """A completed sign-in (django-axes has just cleared the account's failures): the account is no longer shown as
    locked."""
    if user.locked_until is not None:
        User.objects.filter(pk=user.pk).update(locked_until=None)
        user.locked_until = None
    trail.record(actor=user, action=AuditAction.LOGIN, obj=user)


def record_logout(user: User) -> None:
    trail.record(actor=user, action=AuditAction.LOGOUT, obj=user)


# Administration (system administrators only).


def _require_admin(actor) -> None:
    if not actor.is_administrator:
        raise NotPermitted("Only a system administrator can manage users and agencies.")


@transaction.atomic
def user_create(*, actor, email: str, full_name: str, agency: Agency, roles: list[str], team: Team | None = None,
                job_title: str = "", password: str | None = None) -> User:
    if actor is not None:
        _require_admin(actor)
    errors = {}
    email = (email or "").strip().lower()
    if not email:
        errors["email"] = "Enter an email address"
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = "A user with this email address already exists"
    if not (full_name or "").strip():
        errors["full_name"] = "Enter the user's full name"
    bad_roles = set(roles) - set(Role.values)
    if not roles or bad_roles:
        errors["roles"] = "Choose at least one role"
    if team is not None and team.agency_id != agency.pk:
        errors["team"] = "Choose a team of the user's agency"
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, full_name=full_name.strip(), agency=agency, team=team, job_title=job_title.strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=user, detail={"created": True, "roles": sorted(roles)})
    return user


USER_CHANGED = ("Someone else changed this user's account while you were editing it. Your changes have not been "
                "saved: check the account as it is now and make your changes again.")


@transaction.atomic
def user_update(*, actor, user: User, version: int, full_name: str, agency: Agency, roles: list[str],
                team: Team | None, job_title: str, is_active: bool) -> User:
    """An administrator's change to a user's account, refused (`Conflict`, nothing saved) when someone has saved it
    since `version`, the version the administrator's form was built from. Deactivating the account ends its
    sessions: the user's next request is signed out."""
    _require_admin(actor)
    saved = locked(User.objects.all(), user.pk, version=version, conflict=USER_CHANGED)
    errors = {}
    if not full_name.strip():
        errors["full_name"] = "Enter the user's full name"
    if not roles or set(roles) - set(Role.values):
        errors["roles"] = "Choose at least one role"
    if team is not None and team.agency_id != agency.pk:
        errors["team"] = "Choose a team of the user's agency"
    if user.pk == actor.pk and (Role.SYSADMIN not in roles or not is_active):
        errors["roles"] = "You cannot remove your own administrator role or deactivate yourself"
    if errors:
        raise ValidationFailed(errors)
    user.full_name, user.agency, user.team, user.job_title, user.is_active = (
        full_name.strip(), agency, team, job_title.strip(), is_active
    )
    user.version = saved.version + 1
    user.save(update_fields=["full_name", "agency", "team", "job_title", "is_active", "version"])
    user.roles.exclude(role__in=roles).delete()
    existing = set(user.roles.values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in set(roles) - existing])
    user.__dict__.pop("_role_cache", None)
    ended = 0 if is_active else end_sessions(user)
    events.user_changed.call(user=user)  # team, agency and roles decide what the stored grants give
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=user, detail={
        "roles": sorted(roles), "active": is_active, **({} if is_active else {"sessions_ended": ended})})
    return user


def end_sessions(user: User) -> int:
    """End every live session signed in as `user`, at once, in the caller's transaction; how many. (Every request
    also refuses an inactive user: accounts.backends. Ending the sessions keeps them ended if the account is made
    active again.) The sessions are the session store's rows, each read for its user: the idle timeout keeps them
    to the few live ones. A store without rows (signed cookies, the cache alone) has nothing to end here."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    ended = 0
    for key, data in live.values_list("session_key", "session_data").iterator():
        if str(store().decode(data).get(SESSION_KEY, "")) == str(user.pk):
            store(session_key=key).delete()
            ended += 1
    return ended


@transaction.atomic
def user_unlock(*, actor, user: User) -> None:
    _require_admin(actor)
    lockout.unlock(user.email)
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=user, detail={"unlocked": True})


@transaction.atomic
def user_reset_two_factor(*, actor, user: User) -> None:
    """For a user who lost their authenticator and recovery codes: they enrol again at next sign-in."""
    _require_admin(actor)
    user.totp_secret, user.totp_confirmed_at = "", None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    user.recovery_codes.all().delete()
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=user, detail={"two_factor": "reset"})


@transaction.atomic
def agency_create(*, actor, council, name: str, kind: str, email: str = "", phone: str = "") -> Agency:
    _require_admin(actor)
    if not name.strip():
        raise ValidationFailed({"name": "Enter the agency's name"})
    if Agency.objects.filter(council=council, name__iexact=name.strip()).exists():
        raise ValidationFailed({"name": "An agency with this name already exists"})
    agency = Agency.objects.create(council=council, name=name.strip(), kind=kind, email=email, phone=phone)
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=agency, detail={"created": True})
    return agency


AGENCY_CHANGED = ("Someone else changed this agency while you were editing it. Your changes have not been saved: "
                  "check its details below and make your changes again.")


@transaction.atomic
def agency_update(*, actor, agency: Agency, version: int, name: str, kind: str, email: str = "",
                  phone: str = "") -> Agency:
    """An administrator's change to an agency, refused (`Conflict`, nothing saved) when someone has saved it since
    `version`, the version the administrator's form was built from."""
    _require_admin(actor)
    saved = locked(Agency.objects.all(), agency.pk, version=version, conflict=AGENCY_CHANGED)
    if not name.strip():
        raise ValidationFailed({"name": "Enter the agency's name"})
    if Agency.objects.filter(council=saved.council_id, name__iexact=name.strip()).exclude(pk=saved.pk).exists():
        raise ValidationFailed({"name": "An agency with this name already exists"})
    changed = sorted(f for f, v in (("name", name.strip()), ("kind", kind), ("email", email), ("phone", phone))
                     if getattr(saved, f) != v)
    saved.name, saved.kind, saved.email, saved.phone = name.strip(), kind, email, phone
    saved.version += 1
    saved.save(update_fields=["name", "kind", "email", "phone", "version"])
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=saved, detail={"changed": changed})
    return saved
