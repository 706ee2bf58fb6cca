"""Sign-in abuse: failed attempts counted by account and by client address, in stores every process shares.

- By account: django-axes counts failures for the email address typed, whether or not an account has it, in the
  database, and pauses sign-in for it after settings.HEARTH_LOCKOUT_ATTEMPTS failures, for HEARTH_LOCKOUT_MINUTES
  (or until an administrator unlocks it). A failed security code counts against the account too.
- By address: failures from one client address are counted in the shared cache (hearth.core.limits) with a higher
  limit, since a council's staff may all reach Hearth from one address.

Whoever is refused, and why, the sign-in page gives one answer (hearth.accounts.views), after the same password
work (hearth.accounts.services.check_password), so neither the answer nor its time says whether an account exists
or is locked. The person whose account is locked is told by email (the account holder, not the one typing).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed

from hearth.audit.middleware import client_ip
from hearth.core import limits

ADDRESS_SCOPE = "signin-address"


def _credentials(email: str) -> dict:
    return {"email": email.strip().lower()}


def refused(request, email: str) -> bool:
    """Whether sign-in for this email address, or from this client address, is paused."""
    if AxesProxyHandler.is_locked(request, _credentials(email)):
        return True
    return limits.reached(ADDRESS_SCOPE, client_ip(request) or "unknown", settings.HEARTH_SIGNIN_ADDRESS_LIMIT)


def failed(request, email: str) -> bool:
    """Count a failed attempt for the email address and the client address. True when it has just locked the
    account (for the caller to tell its holder)."""
    limits.hit(ADDRESS_SCOPE, client_ip(request) or "unknown")
    credentials = _credentials(email)
    if AxesProxyHandler.is_locked(request, credentials):
        return False  # already paused: counting on would only move the end of the pause
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)  # django-axes counts it
    return AxesProxyHandler.is_locked(request, credentials)


def unlock(email: str) -> None:
    AxesProxyHandler.reset_attempts(username=email.strip().lower())
