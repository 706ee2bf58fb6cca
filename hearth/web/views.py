"""Health check, static information pages and error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render

from hearth.web.middleware import is_database_unavailable, unavailable_response


def database_answers() -> bool:
    """Whether the database answers a trivial query now."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
    return True


@login_not_required
@transaction.non_atomic_requests  # opening the request's transaction would fail first when the database is down
def healthz_view(request):
    """Liveness, for load balancers: 200 when the process runs and the database answers, 503 when it does not.
    Readiness (the job worker and the queue too) is /readyz (hearth.ops)."""
    if not database_answers():
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response._has_been_logged = True  # asked every few seconds: not an error line each time
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def privacy_view(request):
    return render(request, "web/privacy.html", {"title": "How we use information"})


@login_not_required
def accessibility_view(request):
    return render(request, "web/accessibility.html", {"title": "Accessibility statement"})


def _error(request, status: int, title: str, message: str):
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


@login_not_required
def not_found(request, exception=None):
    return _error(request, 404, "Page not found", "If you typed the web address, check it is correct.")


@login_not_required
def forbidden(request, exception=None):
    return _error(request, 403, "You do not have access to this page",
                  "You can only see families you work with. If you need access, ask the family's lead professional "
                  "or your Early Help coordinator.")


@login_not_required
def server_error(request):
    # Called while Django handles the error: when it is the database being unreachable, the usual error page
    # (which reads the council and the session) would fail too.
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return _error(request, 500, "Sorry, there is a problem with the service",
                  "Try again later. Nothing you saved before this page has been lost.")


@login_not_required
def csrf_failure(request, reason=""):
    return _error(request, 403, "Your form could not be sent",
                  "This can happen if the page was open for a long time or you were signed out. Go back, reload the "
                  "page and try again.")
