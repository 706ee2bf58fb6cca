"""Sign-in with two-factor authentication, sign-out, and the user's own security settings."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hearth.accounts import events, services
from hearth.accounts.forms import CodeForm, EnrolForm, LoginForm, PasswordResetRequestForm, ReminderDeliveryForm
from hearth.accounts.middleware import renew
from hearth.accounts.models import Role, User
from hearth.audit.middleware import client_ip

PENDING_SECONDS = 300


def _refused() -> str:
    """One answer for an unknown email address, a wrong password, a paused account and a busy client address."""
    return (f"The email address or password is not right. After {settings.HEARTH_LOCKOUT_ATTEMPTS} wrong attempts, "
            f"signing in to an account is paused for {settings.HEARTH_LOCKOUT_MINUTES} minutes and the account "
            f"holder is emailed.")


def _paused() -> str:
    return (f"Signing in to your account is paused after too many wrong attempts, and we have emailed you. Try "
            f"again in {settings.HEARTH_LOCKOUT_MINUTES} minutes, or ask your system administrator to unlock it.")


def _pending_user(request) -> User | None:
    user_id, started = request.session.get("pending_user_id"), request.session.get("pending_at", 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def hold_for_second_factor(request, user: User, *, next_url: str = "", needs_enrolment: bool | None = None):
    """Hold `user` as signed in up to the second factor (for PENDING_SECONDS), as the password step does, and send
    them to the security code step, or to setting up an authenticator app first. Council single sign-on
    (hearth.identity) comes here when the identity provider did not show multi-factor authentication."""
    request.session.cycle_key()
    request.session["pending_user_id"] = user.pk
    request.session["pending_at"] = time.time()
    request.session["pending_next"] = next_url
    if needs_enrolment is None:
        needs_enrolment = not user.has_totp
    return redirect("accounts:enrol" if needs_enrolment else "accounts:two_factor")


def finish_login(request, user: User):
    """The one way every sign-in ends (password and code, or council single sign-on): Django's login (django-axes
    resets the account's failures on it), the audit, and on to the page asked for."""
    next_url = request.session.get("pending_next", "")
    for key in ("pending_user_id", "pending_at", "pending_next", "enrol_secret"):
        request.session.pop(key, None)
    login(request, user, backend="hearth.accounts.backends.HearthBackend")
    services.record_login(user)
    # Only a path of this service: "?next=" is typed by anyone, and anything else is not followed. The home page
    # asked for by default ("/") gives way to the user's own landing page.
    if (next_url.startswith("/") and not next_url.startswith("//") and next_url != reverse("home:dashboard")
            and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})):
        return HttpResponseRedirect(next_url)
    return redirect(landing_page(user))


# Where each role's work is, for someone who holds none of the roles that work with families' records (they land on
# their families): the MASH on its queue, the data protection officer on the data protection pages, the analyst on
# the reports, the administrator on administration.
CASEWORK_ROLES = {Role.PRACTITIONER, Role.COORDINATOR, Role.SOCIAL_WORKER, Role.MANAGER}
LANDING_PAGES = ((Role.MASH_SCREENER, "referrals:queue"), (Role.DPO, "dpo:home"), (Role.ANALYST, "reports:home"),
                 (Role.SYSADMIN, "accounts:admin_users"))


def landing_page(user: User) -> str:
    """The URL name of the page the user lands on after signing in."""
    if user.role_set & CASEWORK_ROLES:
        return "home:dashboard"
    return next((page for role, page in LANDING_PAGES if user.has_role(role)), "home:dashboard")


@login_not_required
def login_view(request):
    if request.user.is_authenticated:
        return redirect("home:dashboard")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.check_password(request=request, email=form.cleaned_data["email"],
                                         password=form.cleaned_data["password"])
        if result.user is None:
            form.add_error(None, _refused())
        else:
            onward = hold_for_second_factor(request, result.user, next_url=request.GET.get("next", ""),
                                            needs_enrolment=result.needs_enrolment)
            return onward if result.mfa_required else finish_login(request, result.user)
    return render(request, "accounts/login.html", {
        "form": form, "title": "Sign in", "timed_out": request.GET.get("timeout") == "1",
        "sign_in_choices": [choice for choices in events.sign_in_choices.call(request=request) for choice in choices],
    })


@login_not_required
def two_factor_view(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the time to enter your security code ran out.")
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request=request, user=user, code=form.cleaned_data["code"]):
            return finish_login(request, user)
        if services.is_paused(request, user):
            request.session.flush()
            messages.error(request, _paused())
            return redirect("accounts:login")
        form.add_error("code", "The security code is not right. Check your authenticator app and try again")
    return render(request, "accounts/two_factor.html", {"form": form, "title": "Enter your security code"})


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR code for your authenticator app")


@login_not_required
def enrol_view(request):
    """Set up an authenticator app: needed before first sign-in completes, or from account settings."""
    user = request.user if request.user.is_authenticated else _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    secret = request.session.get("enrol_secret") or services.new_totp_secret()
    request.session["enrol_secret"] = secret
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enrol_totp(user=user, secret=secret, code=form.cleaned_data["code"])
        except services.ValidationFailed as exc:
            form.add_error("code", exc.errors["code"])
        else:
            request.session.pop("enrol_secret", None)
            if not request.user.is_authenticated:
                finish_login(request, user)
            request.session["new_recovery_codes"] = codes
            return redirect("accounts:recovery_codes")
    uri = services.provisioning_uri(user, secret)
    return render(request, "accounts/enrol.html", {
        "form": form, "title": "Set up two-factor authentication", "qr_svg": _qr_svg(uri),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


def recovery_codes_view(request):
    codes = request.session.pop("new_recovery_codes", None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "title": "Your recovery codes"})


def security_view(request):
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "regenerate":
        request.session["new_recovery_codes"] = services.regenerate_recovery_codes(user=request.user)
        return redirect("accounts:recovery_codes")
    status = 200
    if action == "reminders":
        form = ReminderDeliveryForm(request.POST)
        if form.is_valid():
            services.reminder_delivery_set(user=request.user, delivery=form.cleaned_data["delivery"])
            messages.success(request, "Your choice of reminders has been saved.")
            return redirect("accounts:security")
        status = 400
    else:
        form = ReminderDeliveryForm(initial={"delivery": request.user.reminder_delivery})
    remaining = request.user.recovery_codes.filter(used_at__isnull=True).count()
    return render(request, "accounts/security.html", {
        "title": "Your account", "active": "account", "remaining": remaining, "form": form,
    }, status=status)


def logout_confirm_view(request):
    if request.method == "POST":
        services.record_logout(request.user)
        onward = next((url for url in events.signing_out.call(request=request) if url), "")
        logout(request)
        messages.success(request, "You have signed out.")
        return redirect(onward or "accounts:login")
    return render(request, "accounts/logout.html", {"title": "Sign out"})


@require_POST
def keepalive_view(request):
    """Restarts the idle timer (`hearth.accounts.middleware.renew`)."""
    renew(request.session)
    if request.headers.get("Sec-Fetch-Dest") == "empty":
        return HttpResponse(status=204)
    return redirect(request.META.get("HTTP_REFERER") or "home:dashboard")


@login_not_required
def password_reset_view(request):
    """Ask for a password reset link: the same answer whatever happens (accounts.services.password_reset_ask)."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_ask(email=form.cleaned_data["email"], address=client_ip(request) or "unknown",
                                    domain=request.get_host(), use_https=request.is_secure())
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form, "title": "Reset your password"})
