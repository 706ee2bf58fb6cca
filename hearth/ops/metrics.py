"""Prometheus metrics: request latency by route name and responses by status class, counted in each process, and
at scrape time from the database the job queue, the worker's heartbeat and the audit log's sealing lag.

Under gunicorn (`hearth serve`) every worker process writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(`hearth/web/gunicorn_conf.py` sets it under HEARTH_VAR_DIR, empties it at start and marks dead workers), and a
scrape adds them up. Labels are route names (the URL pattern's name, such as `families:family`), never paths, and
nothing here reads or writes personal data.
"""

import math
import os
import time

from django.db import DatabaseError
from django.db.models import Min
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from hearth.audit.models import AuditEvent
from hearth.jobs import selectors as jobs

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # no URL pattern matched (a 404 before any view)

REQUEST_SECONDS = Histogram(
    "hearth_http_request_duration_seconds", "Time to answer a request, by the URL pattern's name and method.",
    ["route", "method"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
RESPONSES = Counter(
    "hearth_http_responses_total", "Responses sent, by the URL pattern's name and status class (2xx, 4xx...).",
    ["route", "status_class"])


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or UNMATCHED) if match is not None else UNMATCHED


def observe(request, status: int, seconds: float) -> None:
    route = route_of(request)
    method = request.method if request.method in METHODS else "other"
    REQUEST_SECONDS.labels(route=route, method=method).observe(seconds)
    RESPONSES.labels(route=route, status_class=f"{status // 100}xx").inc()


class MetricsMiddleware:
    """Times every request and counts its response (near the outside of MIDDLEWARE, so it sees every answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            observe(request, 500, time.perf_counter() - started)
            raise
        observe(request, response.status_code, time.perf_counter() - started)
        return response


def _age_seconds(when) -> float:
    return max((timezone.now() - when).total_seconds(), 0.0) if when is not None else 0.0


def database_readings() -> dict[str, float]:
    """Counts and ages read from the database now (a few indexed queries)."""
    unsealed = AuditEvent.objects.order_by().filter(seq__isnull=True)
    oldest_job = jobs.oldest_waiting_seconds()
    last_seen = jobs.worker_last_seen_seconds()
    return {
        "jobs_waiting": jobs.waiting_count(),
        "jobs_oldest_waiting_seconds": oldest_job if oldest_job is not None else 0.0,
        "jobs_failed": jobs.failed_count(),
        "worker_last_seen_seconds": last_seen if last_seen is not None else math.inf,
        "audit_unsealed_rows": unsealed.count(),
        "audit_oldest_unsealed_seconds": _age_seconds(unsealed.aggregate(at=Min("at"))["at"]),
    }


GAUGES = {
    "jobs_waiting": "Jobs due to run and not yet claimed by a worker.",
    "jobs_oldest_waiting_seconds": "How long the job waiting longest has been due (0 when none waits).",
    "jobs_failed": "Jobs that failed after their last retry, waiting for an administrator.",
    "worker_last_seen_seconds": "Seconds since a job worker last beat (+Inf when none ever has).",
    "audit_unsealed_rows": "Committed audit rows not yet sealed into the hash chain (sealing lag).",
    "audit_oldest_unsealed_seconds": "Age of the oldest audit row not yet sealed (0 when all are sealed).",
}


class DatabaseCollector:
    """Read at scrape time: `hearth_database_up` is 0, and the other gauges absent, when the database does not
    answer."""

    def collect(self):
        try:
            readings = database_readings()
        except DatabaseError:
            readings = None
        up = GaugeMetricFamily("hearth_database_up", "1 when the database answered this scrape's queries.")
        up.add_metric([], 0.0 if readings is None else 1.0)
        yield up
        for name, text in GAUGES.items():
            if readings is not None:
                yield GaugeMetricFamily(f"hearth_{name}", text, value=float(readings[name]))


def exposition() -> bytes:
    """The text a scrape gets: every worker's request metrics (or this process's), then the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)
