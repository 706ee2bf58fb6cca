"""Health check, static information pages and error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


@login_not_required
def healthz_view(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
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
    return _error(request, 500, "Sorry, there is a problem with the service",
                  "Try again later. Nothing you saved before this page has been lost.")


@login_not_required
def csrf_failure(request, reason=""):
    return _error(request, 403, "Your form could not be sent",
                  "This can happen if the page was open for a long time or you were signed out. Go back, reload the "
                  "page and try again.")
