"""The queue: queued with the work's transaction, retried with back-off, failures shown to the administrator (who
can try again or discard), schedules once per slot, a long job's page for its owner, and jobs of stopped workers
run again."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.jobs import queue, schedules, selectors, worker
from hearth.jobs.models import Heartbeat, Progress
from tests.jobs import work
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def admin(make):
    return make("ada.admin@example.test", Role.SYSADMIN)


def test_a_job_asked_for_by_work_that_rolls_back_is_never_queued():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue(work.count)
        raise RuntimeError("the action failed")
    assert not DBTaskResult.objects.exists()


def test_a_failed_attempt_waits_for_its_back_off_then_fails_for_good():
    queue.enqueue(work.broken)
    run_jobs()
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.READY and row.run_after >= timezone.now() + timedelta(seconds=0.9)
    assert selectors.retrying_count() == 1 and selectors.waiting_count() == 0
    assert run_jobs() == 0  # not before its back-off has passed
    DBTaskResult.objects.update(run_after=timezone.now())
    run_jobs()
    row.refresh_from_db()
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.FAILED, 2)
    assert selectors.failed_count() == 1


def test_the_administrator_sees_failed_jobs_and_tries_one_again(client_for, admin, practitioner):
    queue.enqueue(work.broken)
    for _ in range(2):
        DBTaskResult.objects.update(run_after=timezone.now())
        run_jobs()
    assert client_for(practitioner).get("/admin/jobs").status_code == 403

    page = client_for(admin).get("/admin/jobs").content.decode()
    assert "Always fails" in page and "Unexpected error (RuntimeError)" in page
    task_id = DBTaskResult.objects.get().pk
    response = client_for(admin).post(f"/admin/jobs/{task_id}/retry")
    assert response.status_code == 302
    row = DBTaskResult.objects.get()
    assert (row.status, row.worker_ids) == (TaskResultStatus.READY, [])
    assert AuditEvent.objects.filter(object_type="jobs.job", object_id=str(task_id), actor=admin).exists()

    again = client_for(admin).post(f"/admin/jobs/{task_id}/retry", follow=True).content.decode()
    assert "no longer failed" in again


def test_the_administrator_discards_a_failed_job(client_for, admin):
    queue.enqueue(work.broken)
    for _ in range(2):
        DBTaskResult.objects.update(run_after=timezone.now())
        run_jobs()
    task_id = DBTaskResult.objects.get().pk
    page = client_for(admin).post(f"/admin/jobs/{task_id}/discard", follow=True).content.decode()
    assert "discarded" in page and "No job has failed" in page
    assert not DBTaskResult.objects.exists()


def test_a_schedule_is_queued_once_per_slot_however_often_the_worker_looks(monkeypatch):
    monkeypatch.setattr(schedules, "SCHEDULES", {})
    schedules.daily("test.daily", work.count, at=time(7, 0))
    before = datetime(2026, 12, 7, 6, 59, tzinfo=LONDON)
    assert schedules.run_due(before) == []
    at_seven = datetime(2026, 12, 7, 7, 0, tzinfo=LONDON)
    assert schedules.run_due(at_seven) == ["test.daily"]
    assert schedules.run_due(at_seven + timedelta(hours=3)) == []
    work.RUNS.clear()
    run_jobs()
    assert work.RUNS == ["2026-12-07"]
    assert schedules.run_due(at_seven + timedelta(days=1)) == ["test.daily"]


def test_an_every_few_minutes_schedule_has_a_slot_per_period(monkeypatch):
    monkeypatch.setattr(schedules, "SCHEDULES", {})
    schedules.every("test.often", work.count, minutes=15)
    start = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    assert schedules.run_due(start) == ["test.often"]
    assert schedules.run_due(start + timedelta(minutes=14)) == []
    assert schedules.run_due(start + timedelta(minutes=15)) == ["test.often"]


def test_a_long_jobs_page_shows_its_progress_to_its_owner_only(client_for, practitioner, other_practitioner, admin):
    task_id = queue.start(work.halfway, owner=practitioner, title="Check the records", result_url="/")
    page = client_for(practitioner).get(f"/jobs/{task_id}").content.decode()
    assert "Waiting to start" in page and "Check how far it has got" in page
    assert client_for(other_practitioner).get(f"/jobs/{task_id}").status_code == 404

    run_jobs()
    assert Progress.objects.get().stage == "Checked half of the records"
    page = client_for(practitioner).get(f"/jobs/{task_id}").content.decode()
    assert "Finished" in page and "See the result" in page and "Check how far it has got" not in page
    assert client_for(admin).get(f"/jobs/{task_id}").status_code == 200


def test_progress_goes_to_a_command_line_bar_when_a_command_runs_the_job_itself():
    seen = []
    with queue.reporting_to(lambda done, total, stage: seen.append((done, total, stage))):
        queue.call_now(work.halfway)
    assert seen == [(50, 100, "Checked half of the records")]


def test_a_job_claimed_by_a_worker_that_stopped_beating_is_put_back(settings):
    queue.enqueue(work.count)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=["gone"])
    now = timezone.now()
    Heartbeat.objects.create(worker_id="gone", host="h", pid=1, started_at=now, seen_at=now)
    assert worker.recover_stalled(now) == 0  # still beating
    later = now + timedelta(seconds=settings.HEARTH_WORKER_STALE_SECONDS + 1)
    assert worker.recover_stalled(later) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert not Heartbeat.objects.exists()


def test_readiness_figures(settings):
    assert selectors.worker_last_seen_seconds() is None and selectors.oldest_waiting_seconds() is None
    queue.enqueue(work.count)
    assert selectors.waiting_count() == 1 and selectors.oldest_waiting_seconds() >= 0


def test_the_worker_writes_the_audit_logs_latest_hash_outside_the_database(settings, tmp_path, practitioner):
    import json

    from django.core.management import call_command

    from hearth.audit import trail
    from hearth.audit.models import AuditAction
    from hearth.jobs import tasks

    settings.HEARTH_AUDIT_ANCHOR_FILE = tmp_path / "anchors.log"
    trail.record(actor=practitioner, action=AuditAction.VIEW, object_type="test.thing", object_id="1")
    call_command("audit_seal", verbosity=0)
    assert "audit.anchor" in schedules.SCHEDULES
    queue.enqueue(tasks.write_audit_anchor, slot="now")
    run_jobs()
    [line] = settings.HEARTH_AUDIT_ANCHOR_FILE.read_text().splitlines()
    anchor = json.loads(line)
    assert anchor["hash"] and anchor["event_id"] == AuditEvent.objects.get(object_type="test.thing").pk
