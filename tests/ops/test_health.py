"""Liveness (/healthz: the process runs and the database answers) and readiness (/readyz: also a job worker beating
recently and no job waiting too long) are separate; neither needs a session or sign-in, and a failed readiness
names the check in a small JSON body."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from hearth.jobs.models import Heartbeat
from tests.ops._down import database_unreachable


def _beat(seconds_ago: float) -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(worker_id="w1", defaults={
        "host": "test", "pid": 1, "started_at": now - datetime.timedelta(hours=1),
        "seen_at": now - datetime.timedelta(seconds=seconds_ago)})


def _waiting_job(seconds_ago: float) -> None:
    row = DBTaskResult.objects.create(status=TaskResultStatus.READY, args_kwargs={"args": [], "kwargs": {}},
                                      task_path="hearth.jobs.tests.nothing", backend_name="default",
                                      queue_name="default", run_after=get_date_max(), exception_class_path="",
                                      traceback="")
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_healthz_is_200_while_the_database_answers_and_503_when_it_does_not():
    client = Client(raise_request_exception=False)
    assert client.get("/healthz").status_code == 200
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.django_db
def test_healthz_does_not_depend_on_the_worker():
    assert not Heartbeat.objects.exists()
    assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db
def test_ready_with_a_recent_heartbeat_and_no_old_job():
    _beat(seconds_ago=5)
    _waiting_job(seconds_ago=30)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "failed": [],
                               "checks": {"database": "ok", "worker": "ok", "queue": "ok"}}


@pytest.mark.django_db
def test_not_ready_without_a_worker():
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"] == "no worker has started"


@pytest.mark.django_db
def test_not_ready_when_the_heartbeat_is_stale(settings):
    settings.HEARTH_READY_WORKER_SECONDS = 120
    _beat(seconds_ago=300)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    _beat(seconds_ago=60)
    assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
def test_not_ready_when_a_job_has_waited_too_long(settings):
    settings.HEARTH_READY_QUEUE_SECONDS = 600
    _beat(seconds_ago=1)
    _waiting_job(seconds_ago=900)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["queue"]
    assert body["checks"]["queue"].startswith("oldest job waiting 9")
    settings.HEARTH_READY_QUEUE_SECONDS = 1200
    assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
def test_not_ready_when_the_database_is_down():
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
def test_health_checks_need_no_session_and_ignore_a_stale_one(client_for, practitioner):
    """A signed-in browser may ask too: the checks answer the same, and start no session for an anonymous caller."""
    anonymous = Client()
    response = anonymous.get("/healthz")
    assert "sessionid" not in response.cookies
    assert "Set-Cookie" not in response.headers
    assert client_for(practitioner).get("/healthz").status_code == 200
    _beat(seconds_ago=1)
    assert client_for(practitioner).get("/readyz").status_code == 200
