"""The outermost middleware: a request id on every log line, the headers that keep personal data out of caches and
shut off browser features Hearth never uses, and Hearth's own page when the database is down."""

import logging
import secrets

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template

from hearth.core import logs

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"


def request_id_from(request) -> str:
    """The caller's X-Request-ID when it is a short safe token (a proxy's or load balancer's id), else a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if logs.SAFE_REQUEST_ID.match(given) else secrets.token_hex(16)


class RequestIdMiddleware:
    """Binds a request id (and, once authentication has loaded them, the signed-in user's numeric id) to every log
    line written while the request is served, and sends the id back as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        token = logs.bind(request_id=request.request_id, request=request)
        try:
            response = self.get_response(request)
        finally:
            logs.unbind(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


# Browser features no Hearth page uses, denied to the page and to anything it could embed. Only names Chromium
# recognises: it reports an unknown one as an error on every page.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking"))


def is_static(request) -> bool:
    """Whether the request is for a static file (CSS, JavaScript, fonts, images: WhiteNoise serves them with their
    own long caching, and they hold no personal data)."""
    return request.path.startswith(settings.STATIC_URL)


class PrivacyHeadersMiddleware:
    """The one place for the headers every response carries: `Cache-Control: no-store` on everything Hearth
    renders (every page and API answer to a signed-in user shows personal data, and the public pages hold what a
    visitor typed or the sign-in form; none may be kept by the browser or a proxy), static files keeping their own
    caching; and the Permissions-Policy denying the browser features Hearth never uses. Outside the 503 page's
    middleware, so that page carries them too. (HSTS, with includeSubDomains, is Django's SecurityMiddleware's:
    SECURE_HSTS_* in hearth/settings.py, sent over HTTPS.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_static(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception (or one it was raised from or while handling) says the database cannot be reached or
    the connection to it has gone, rather than that a statement was wrong."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(*, logged: bool = False) -> HttpResponse:
    """"Sorry, the service is unavailable" (the GOV.UK pattern), status 503, rendered with no request: no session,
    no signed-in user, no council and no context processor, so nothing reads the database. `logged`: the error has
    been logged already (Django would otherwise log the 503 again)."""
    html = get_template("web/unavailable.html").render({"title": "Sorry, the service is unavailable"})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    # The page has no script; the CSP middleware, further in, may not have run.
    response["Content-Security-Policy"] = ("default-src 'self'; script-src 'none'; object-src 'none'; "
                                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    response["X-Frame-Options"] = "DENY"
    response["X-Content-Type-Options"] = "nosniff"
    response._has_been_logged = logged
    return response


class ServiceUnavailableMiddleware:
    """Outside every middleware that may read the database (sessions, authentication, the audit context): when the
    database cannot be reached anywhere in the request, the user gets Hearth's own 503 page, not the web server's
    bare "Internal Server Error". (`web.views.server_error` answers the same page when Django's error handling
    meets the error first, as it does for an error in another middleware.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            log.error("Database unavailable: %s", type(exc).__name__, exc_info=True)
            return unavailable_response(logged=True)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log.error("Database unavailable: %s", type(exception).__name__, exc_info=exception)
        return unavailable_response(logged=True)
