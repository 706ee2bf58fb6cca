"""Council single sign-on: start, the provider's callback, and the administrator's pages (sign-in providers, their
claim rules, accounts waiting for approval). Every refusal is a plain page and a failed sign-in in the audit log."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from hearth.accounts import views as accounts_views
from hearth.accounts.models import User
from hearth.audit.middleware import client_ip
from hearth.core import limits
from hearth.identity import oidc, services
from hearth.identity.forms import ProviderEditForm, ProviderForm, RuleForm
from hearth.identity.models import ExternalIdentity, IdentityProvider
from hearth.web.forms import record_number
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on

PENDING, SIGNED_IN = "identity_pending", "identity_signed_in"
# Anonymous requests, limited per client address and hour: a start fetches the provider's discovery document
# (settings.HEARTH_SSO_START_LIMIT, high, since a council's staff may all start from one address every morning); a
# callback that signs nobody in writes a row of the audit log (HEARTH_SSO_ADDRESS_LIMIT).
START_SCOPE, FAILED_CALLBACK_SCOPE, WINDOW_SECONDS = "sso-start", "sso-callback-failed", 3600

PROBLEMS = {
    "unreachable": ("Sign in with your council account is not working at the moment",
                    "We could not reach your council's sign-in service. Try again in a few minutes, or sign in with "
                    "your email address, password and security code."),
    "refused": ("We could not sign you in with your council account",
                "Your council's sign-in did not give Hearth an answer it could trust, so you have not been signed "
                "in. Go back to the sign-in page and try again. If it happens again, tell your system "
                "administrator the time it happened."),
    "no_account": ("You do not have a Hearth account",
                   "Your council account is not linked to a Hearth account, and one cannot be made for it here. Ask "
                   "your system administrator to add you."),
    "inactive": ("Your Hearth account is not active",
                 "Your account has been turned off, so you cannot sign in. If you think this is wrong, ask your "
                 "system administrator."),
    "waiting": ("Your account is waiting for approval",
                "We have your request for a Hearth account. A system administrator needs to approve it before you "
                "can sign in. You do not need to do anything else: try signing in again once you have been told "
                "it is approved."),
    "too_many": ("Too many attempts to sign in with a council account",
                 "There have been too many attempts to sign in with a council account from your network. Wait an "
                 "hour and try again, or sign in with your email address, password and security code."),
}


def _problem(request, kind: str, status: int):
    title, message = PROBLEMS[kind]
    return render(request, "identity/problem.html", {"title": title, "message": message}, status=status)


def _redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("identity:callback"))


def _address(request) -> str:
    return client_ip(request) or "unknown"


def _limited(request, scope: str) -> bool:
    limit = settings.HEARTH_SSO_START_LIMIT if scope == START_SCOPE else settings.HEARTH_SSO_ADDRESS_LIMIT
    return limits.reached(scope, _address(request), limit, window_seconds=WINDOW_SECONDS)


def _refused(request, kind: str, status: int):
    """A callback that did not sign anyone in: counted against the client address."""
    limits.hit(FAILED_CALLBACK_SCOPE, _address(request), window_seconds=WINDOW_SECONDS)
    return _problem(request, kind, status)


@login_not_required
def start(request, provider_id: int):
    provider = get_object_or_404(IdentityProvider, pk=provider_id, is_enabled=True)
    if request.user.is_authenticated:
        return redirect("home:dashboard")
    if _limited(request, START_SCOPE):
        return _problem(request, "too_many", 429)
    limits.hit(START_SCOPE, _address(request), window_seconds=WINDOW_SECONDS)
    request.session[PENDING] = {"provider": provider.pk, "next": request.GET.get("next", "")[:2000]}
    try:
        return oidc.authorization_redirect(request, provider, _redirect_uri(request))
    except oidc.SignInFailed as exc:
        request.session.pop(PENDING, None)
        services.failed(provider, exc.reason)
        return _problem(request, "unreachable", 503)


@login_not_required
def callback(request):
    if request.GET and _limited(request, FAILED_CALLBACK_SCOPE):
        request.session.pop(PENDING, None)
        return _problem(request, "too_many", 429)
    pending = request.session.pop(PENDING, None) or {}
    provider = IdentityProvider.objects.filter(pk=pending.get("provider"), is_enabled=True).first() \
        if pending.get("provider") else None
    if provider is None:
        if not request.GET:
            return redirect("accounts:login")
        services.failed(None, "state")  # no sign-in was started in this browser
        return _refused(request, "refused", 400)
    try:
        claims, id_token = oidc.complete(request, provider)
    except oidc.SignInFailed as exc:
        services.failed(provider, exc.reason)
        return _refused(request, "refused", 400)
    outcome = services.sign_in(provider=provider, claims=claims)
    if outcome.kind != services.SIGNED_IN:
        return _refused(request, outcome.kind, 200 if outcome.kind == services.WAITING else 403)
    user = outcome.user
    request.session[SIGNED_IN] = {"provider": provider.pk, "user": user.pk, "id_token": id_token}
    if outcome.mfa_shown:
        request.session["pending_next"] = pending.get("next", "")
        return accounts_views.finish_login(request, user)
    return accounts_views.hold_for_second_factor(request, user, next_url=pending.get("next", ""))


def sign_in_choices(*, request) -> list[tuple[str, str]]:
    """For the sign-in page (accounts.events.sign_in_choices): a button for each council's provider."""
    onward = request.GET.get("next", "")
    query = f"?{urlencode({'next': onward[:2000]})}" if onward else ""
    return [(f"Sign in with {p.name}", reverse("identity:start", args=[p.pk]) + query)
            for p in IdentityProvider.objects.filter(is_enabled=True).order_by("name") if p.has_secret]


def signing_out(*, request) -> str:
    """On signing out (accounts.events.signing_out): the provider's end-session URL for a user who signed in
    through it, so that the browser is signed out there too."""
    data = request.session.get(SIGNED_IN) or {}
    if not data or data.get("user") != request.user.pk:
        return ""
    provider = IdentityProvider.objects.filter(pk=data.get("provider")).first()
    if provider is None:
        return ""
    return oidc.logout_url(provider, id_token=data.get("id_token", ""),
                           after=request.build_absolute_uri(reverse("accounts:login")))


# The administrator's pages.


def _admin_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__wrapped__ = view
    return wrapped


def _values(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


@_admin_only
def provider_list(request):
    providers = IdentityProvider.objects.filter(council=request.user.council).order_by("name")
    waiting = ExternalIdentity.objects.filter(provider__council=request.user.council, awaiting_approval=True,
                                              refused_at__isnull=True).count()
    return render(request, "identity/providers.html", {
        "providers": providers, "waiting": waiting, "title": "Sign-in providers", "active": "admin",
        "redirect_uri": _redirect_uri(request)})


@submit_once
@_admin_only
def provider_new(request):
    form = ProviderForm(request.POST or None, council=request.user.council)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            provider = services.provider_create(actor=request.user, **_values(form))
        if attempt.ok:
            messages.success(request, f"{provider.name} added. Add the rules that give roles, agency and team.")
            return redirect("identity:admin_provider_edit", provider_id=provider.pk)
    return render(request, "identity/provider_form.html", {
        "form": form, "title": "Add a sign-in provider", "active": "admin", "redirect_uri": _redirect_uri(request)})


@_admin_only
def provider_edit(request, provider_id: int):
    provider = get_object_or_404(IdentityProvider, pk=provider_id, council=request.user.council)
    if request.method == "POST" and request.POST.get("action") == "remove_rule":
        rule_id = record_number(request.POST.get("rule"))
        if rule_id is not None:
            services.rule_remove(actor=request.user, provider=provider, rule_id=rule_id)
            messages.success(request, "The rule is removed.")
        return redirect("identity:admin_provider_edit", provider_id=provider.pk)
    initial = {"version": provider.version, **{f: getattr(provider, f) for f in services.PROVIDER_FIELDS}}
    form = ProviderEditForm(request.POST or None, initial=initial, council=request.user.council)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.provider_update(actor=request.user, provider=provider, **form.cleaned_data)
        if attempt.ok:
            oidc.forget_metadata(provider)
            removed = getattr(provider, "links_removed", 0)
            messages.success(request, f"{provider.name} is updated." + (
                f" The issuer URL or client ID changed, so its {removed} linked "
                f"account{'' if removed == 1 else 's'} {'was' if removed == 1 else 'were'} unlinked: each person "
                "is matched again by their verified email address the next time they sign in with it."
                if removed else ""))
            return redirect("identity:admin_providers")
    return render(request, "identity/provider_form.html", {
        "form": form, "title": f"Edit {provider.name}", "provider": provider, "active": "admin",
        "rules": provider.rules.select_related("agency", "team__agency"), "redirect_uri": _redirect_uri(request)})


@submit_once
@_admin_only
def rule_new(request, provider_id: int):
    provider = get_object_or_404(IdentityProvider, pk=provider_id, council=request.user.council)
    form = RuleForm(request.POST or None, council=request.user.council)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.rule_add(actor=request.user, provider=provider, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, "The rule is added. It applies from each person's next sign-in.")
            return redirect("identity:admin_provider_edit", provider_id=provider.pk)
    return render(request, "identity/rule_form.html", {
        "form": form, "title": f"Add a rule for {provider.name}", "provider": provider, "active": "admin"})


@_admin_only
def waiting_list(request):
    if request.method == "POST":
        user_id, decision = record_number(request.POST.get("user")), request.POST.get("decision")
        user = User.objects.filter(pk=user_id, agency__council=request.user.council).first() \
            if user_id is not None else None
        if user is not None and decision in ("approve", "refuse"):
            try:
                services.decide(actor=request.user, user=user, approve=decision == "approve")
            except services.ValidationFailed as exc:
                messages.error(request, next(iter(exc.errors.values())))
            else:
                messages.success(request, f"{user.full_name}'s account is "
                                          f"{'approved' if decision == 'approve' else 'refused'}.")
        return redirect("identity:admin_waiting")
    waiting = (ExternalIdentity.objects.filter(provider__council=request.user.council, awaiting_approval=True,
                                               refused_at__isnull=True)
               .select_related("user__agency", "user__team", "provider").prefetch_related("user__roles")
               .order_by("created_at"))
    return render(request, "identity/waiting.html", {
        "waiting": waiting, "title": "Accounts waiting for approval", "active": "admin"})
