"""The idle timeout without a session write on every request.

Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) makes every page, however small, an
UPDATE of the sessions table. Instead the session is renewed (saved at the end of the request, its expiry moved on
by the idle timeout, SESSION_COOKIE_AGE) only when a tenth of the timeout, and at most a minute, has passed since
it was last renewed. The page's idle warning counts down from the last renewal (`seconds_left`), so it still
signs the user out when the server would.
"""

import math
import time

from django.conf import settings

KEY = "_renewed_at"


def renew_after() -> int:
    """Seconds between renewals: HEARTH_SESSION_RENEW_SECONDS when set, else a tenth of the timeout, at most 60."""
    configured = getattr(settings, "HEARTH_SESSION_RENEW_SECONDS", None)
    return configured if configured is not None else max(1, min(60, settings.SESSION_COOKIE_AGE // 10))


def renew(session) -> None:
    """Restart the idle timer now (the session is saved, with a new expiry, at the end of the request)."""
    session[KEY] = time.time()


def seconds_left(session) -> int:
    """Seconds until the session ends if nothing renews it."""
    renewed = session.get(KEY) if session is not None else None
    if renewed is None:
        return settings.SESSION_COOKIE_AGE
    # Whole seconds, rounded up: a page drawn 0.3 s after the renewal still has the whole timeout before it, not a
    # second less because a second ticked over while it was drawn.
    return max(0, math.ceil(settings.SESSION_COOKIE_AGE - (time.time() - float(renewed))))


class SessionRenewalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (session is not None and not session.is_empty()
                and int(time.time()) - int(session.get(KEY, 0)) >= renew_after()):
            renew(session)
        return self.get_response(request)
