"""Readiness (/readyz) and metrics (/metrics). Liveness is /healthz (hearth.web). No sign-in, no session."""

import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from hearth.jobs import selectors as jobs
from hearth.ops import metrics
from hearth.web.views import database_answers

# Headers a proxy adds: a request carrying one came through a proxy, so its loopback address is not the caller's.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def readiness() -> tuple[bool, dict[str, str]]:
    """Each check's result ("ok" or why not): the database answers, a worker has beaten within
    HEARTH_READY_WORKER_SECONDS, and no job has waited longer than HEARTH_READY_QUEUE_SECONDS."""
    if not database_answers():
        return False, {"database": "unreachable", "worker": "not checked", "queue": "not checked"}
    checks = {"database": "ok"}
    try:
        seen = jobs.worker_last_seen_seconds()
        oldest = jobs.oldest_waiting_seconds()
    except DatabaseError:
        return False, {**checks, "database": "query failed", "worker": "not checked", "queue": "not checked"}
    if seen is None:
        checks["worker"] = "no worker has started"
    elif seen > settings.HEARTH_READY_WORKER_SECONDS:
        checks["worker"] = f"no heartbeat for {seen:.0f} s (limit {settings.HEARTH_READY_WORKER_SECONDS} s)"
    else:
        checks["worker"] = "ok"
    if oldest is not None and oldest > settings.HEARTH_READY_QUEUE_SECONDS:
        checks["queue"] = f"oldest job waiting {oldest:.0f} s (limit {settings.HEARTH_READY_QUEUE_SECONDS} s)"
    else:
        checks["queue"] = "ok"
    return all(v == "ok" for v in checks.values()), checks


@login_not_required
@transaction.non_atomic_requests
def readyz_view(request):
    """200 when Hearth can do all its work now, else 503 naming the checks that failed."""
    ready, checks = readiness()
    body = {"status": "ready" if ready else "not ready", "checks": checks,
            "failed": [name for name, result in checks.items() if result != "ok"]}
    response = JsonResponse(body, status=200 if ready else 503)
    # Probes ask every few seconds: a failed check is in the body and the metrics, not an error line each time.
    response._has_been_logged = True
    return response


def may_scrape(request) -> bool:
    """With HEARTH_METRICS_TOKEN set, a request bearing it; and a request from this machine not through a proxy."""
    token = settings.HEARTH_METRICS_TOKEN
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if any(request.META.get(header) for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@login_not_required
@transaction.non_atomic_requests
def metrics_view(request):
    """Prometheus's scrape; any other caller gets the same 404 as an unknown page."""
    if not may_scrape(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
