"""What runs after the request's transaction has committed must not turn a saved change into an error page.

With ATOMIC_REQUESTS the view's work commits as the view returns. The response then passes back out through the
middleware, and two of them write: the messages middleware (the flash message, into a cookie or the session) and
the session middleware (the session row, with its renewed expiry: hearth.accounts.middleware). Django answers a
failure there with an error page (a 400 "Bad Request" when the session was ended by another request meanwhile, a
500 when the database refuses the write), although the change was saved, and the user would send it again.

These two replace Django's own in MIDDLEWARE (hearth/settings.py). A failure after the view is logged, with
the kind of error and the URL's name only (no personal data, no session key), and the response the view gave,
usually the redirect to what was saved, goes to the user. At worst the message is lost, or the idle timer is not
renewed or the session not kept, so the next page may ask the user to sign in again: never a saved change shown
as a failure.
"""

import logging

from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

log = logging.getLogger(__name__)


def _where(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or "unnamed page"


def _log_failure(what: str, request, response, exc: Exception) -> None:
    log.error("%s failed after the request finished (%s %s, answered %s): %s; the page was sent as it was",
              what, request.method, _where(request), response.status_code, type(exc).__name__)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a failure to save the session does not replace the response."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as exc:  # noqa: BLE001 - logged; the request's work has already committed
            _log_failure("Saving the session", request, response, exc)
            return response


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's messages middleware, except that a failure to keep the messages does not replace the response."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as exc:  # noqa: BLE001 - logged; the request's work has already committed
            _log_failure("Keeping the page's messages", request, response, exc)
            return response
