"""/metrics: Prometheus's text, only for a scrape bearing HEARTH_METRICS_TOKEN or from this machine (404 otherwise);
request latency by route name (never the path) and responses by status class, added up over gunicorn's workers;
the job queue, the worker's heartbeat and the audit log's sealing lag read from the database at scrape time."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families

from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from hearth.jobs.models import Heartbeat
from tests.ops._down import database_unreachable
from tests.ops._server import Server


def samples(text: str) -> dict[tuple, float]:
    """{(name, sorted labels): value} of an exposition."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(text: str, name: str, **labels) -> float | None:
    return samples(text).get((name, tuple(sorted(labels.items()))))


def scrape(client=None, **extra) -> str:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "headers", "token", "status"), [
    ("127.0.0.1", {}, "", 200),
    ("::1", {}, "", 200),
    ("10.1.2.3", {}, "", 404),
    ("10.1.2.3", {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}, "", 404),  # no token configured: never by token
    ("10.1.2.3", {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}, "s3cret-token", 200),
    ("10.1.2.3", {"HTTP_AUTHORIZATION": "Bearer wrong"}, "s3cret-token", 404),
    ("10.1.2.3", {"HTTP_AUTHORIZATION": "Basic s3cret-token"}, "s3cret-token", 404),
    # Through a proxy on this machine: the caller is not local.
    ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "", 404),
    ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer s3cret-token"},
     "s3cret-token", 200),
])
def test_only_a_scrape_with_the_token_or_from_this_machine(settings, address, headers, token, status):
    settings.HEARTH_METRICS_TOKEN = token
    response = Client(REMOTE_ADDR=address).get("/metrics", **headers)
    assert response.status_code == status
    if status == 404:
        assert b"hearth_" not in response.content


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_never_by_path(client_for, practitioner, family):
    client = client_for(practitioner)
    before = scrape()
    for _ in range(3):
        assert client.get(f"/families/{family.pk}?given_name=Jo").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    after = scrape()
    route = {"route": "families:family", "method": "GET"}
    counted = value(after, "hearth_http_request_duration_seconds_count", **route) - (
        value(before, "hearth_http_request_duration_seconds_count", **route) or 0)
    assert counted == 3
    ok = {"route": "families:family", "status_class": "2xx"}
    assert value(after, "hearth_http_responses_total", **ok) - (value(before, "hearth_http_responses_total", **ok)
                                                                 or 0) == 3
    assert value(after, "hearth_http_responses_total", route="unmatched", status_class="4xx") >= 1
    assert f"/families/{family.pk}" not in after
    assert "given_name" not in after
    assert "no-such-page" not in after


def _job(status, *, enqueued_seconds_ago: float = 0):
    row = DBTaskResult.objects.create(status=status, args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
                                      task_path="hearth.jobs.tests.nothing", queue_name="default",
                                      run_after=get_date_max(), exception_class_path="", traceback="")
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=enqueued_seconds_ago))


@pytest.mark.django_db
def test_the_queue_the_worker_and_the_sealing_lag_are_read_at_scrape_time(practitioner):
    text = scrape()
    assert value(text, "hearth_database_up") == 1
    assert value(text, "hearth_jobs_waiting") == 0
    assert value(text, "hearth_jobs_oldest_waiting_seconds") == 0
    assert value(text, "hearth_jobs_failed") == 0
    assert value(text, "hearth_worker_last_seen_seconds") == float("inf")

    _job(TaskResultStatus.READY, enqueued_seconds_ago=300)
    _job(TaskResultStatus.READY, enqueued_seconds_ago=10)
    _job(TaskResultStatus.FAILED)
    now = timezone.now()
    Heartbeat.objects.create(worker_id="w1", host="h", pid=1, started_at=now, seen_at=now - datetime.timedelta(
        seconds=30))
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="page", object_id="1")
    text = scrape()
    assert value(text, "hearth_jobs_waiting") == 2
    assert 299 <= value(text, "hearth_jobs_oldest_waiting_seconds") < 400
    assert value(text, "hearth_jobs_failed") == 1
    assert 29 <= value(text, "hearth_worker_last_seen_seconds") < 100
    assert value(text, "hearth_audit_unsealed_rows") == unsealed + 1
    assert value(text, "hearth_audit_oldest_unsealed_seconds") >= 0


@pytest.mark.django_db
def test_a_scrape_while_the_database_is_down_says_so():
    with database_unreachable():
        text = scrape(Client(raise_request_exception=False))
    assert value(text, "hearth_database_up") == 0
    assert value(text, "hearth_jobs_waiting") is None


def test_gunicorns_workers_add_up(tmp_path):
    """Under `hearth serve` each worker counts in its own file under HEARTH_VAR_DIR/prometheus, emptied at start
    (a stale file from a previous run is removed), and a scrape adds them all up."""
    metrics_dir = tmp_path / "site" / "prometheus"
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "counter_999999.db").write_bytes(b"left from the last run")
    server = Server(tmp_path / "site", workers=3)
    try:
        status, _, body = server.get("/metrics")
        before = value(body.decode(), "hearth_http_responses_total", route="web:healthz", status_class="2xx")
        for _ in range(30):
            assert server.get("/healthz")[0] == 200
        status, _, body = server.get("/metrics")
        assert status == 200
        text = body.decode()
        assert not (metrics_dir / "counter_999999.db").exists()
        assert len(list(metrics_dir.glob("counter_*.db"))) >= 1
    finally:
        server.stop()
    # Whichever workers answered them, the scrape adds up every one of the 30.
    assert value(text, "hearth_http_responses_total", route="web:healthz", status_class="2xx") - before == 30
    assert value(text, "hearth_database_up") == 1
    assert not re.search(r'route="/', text)
