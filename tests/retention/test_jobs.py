"""Disposal in the worker: the dry run and the run are jobs with pages that show how far they have got, seen by the
council's data protection officers only; a run stopped part way, or run twice, deletes each record once and issues
one certificate; `hearth disposal` shows a progress bar moved by the same job's reports."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.jobs import queue
from hearth.jobs.models import Progress
from hearth.people.models import Family
from hearth.retention import services, tasks
from hearth.retention.models import DisposalCertificate, DisposalRun, RunStatus
from hearth.retention.rules import add_years
from tests.queue import run_jobs
from tests.retention.helpers import rich_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(council, lead):
    today = timezone.localdate()
    due = [rich_family(council, lead, surname=f"Due{n}family", closed_on=add_years(today, -7)) for n in range(3)]
    kept = rich_family(council, lead, surname="Keptfamily", closed_on=today - timedelta(days=30))
    return {"due": due, "kept": kept}


def _approved(dpo, second_dpo):
    run = services.disposal_prepare(actor=dpo)
    return services.disposal_approve(actor=second_dpo, run=run)


def test_the_dry_run_page_shows_its_progress_to_the_councils_officers_only(dpo, second_dpo, families, client_for,
                                                                           make, other_council):
    run, task_id = tasks.begin_count(actor=dpo)
    job_url = reverse("jobs:job", kwargs={"task_id": task_id})
    page = client_for(dpo).get(job_url).content.decode()
    assert "Count what is due for disposal" in page and "Waiting to start" in page
    assert "You can leave this page and come back" in page
    assert client_for(second_dpo).get(job_url).status_code == 200  # another officer of the council
    assert client_for(make("pat.p@example.test", Role.PRACTITIONER)).get(job_url).status_code == 404
    elsewhere = make_user(other_council, "gina.glos@example.test", [Role.DPO])
    assert client_for(elsewhere).get(job_url).status_code == 404

    assert run_jobs() == 1
    progress = Progress.objects.get(task_id=task_id)
    assert progress.done == progress.total == Family.objects.count()
    assert "families checked; 3 families and" in progress.stage and "records due" in progress.stage
    page = client_for(dpo).get(job_url).content.decode()
    assert "Finished" in page and reverse("retention:run", kwargs={"run_id": run.pk}) in page
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED and run.counts["families"]["disposed"] == 3


def test_a_count_cancelled_before_it_runs_keeps_no_counts(dpo, families):
    run, _ = tasks.begin_count(actor=dpo)
    services.disposal_cancel(actor=dpo, run=run)
    run_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.counts == {}


def test_a_run_from_the_page_is_a_job_whose_page_links_to_the_certificate(dpo, second_dpo, families, client_for):
    run = _approved(dpo, second_dpo)
    task_id = tasks.begin_run(actor=second_dpo, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and Family.objects.count() == 4
    assert run_jobs() == 1
    assert Family.objects.count() == 1
    page = client_for(second_dpo).get(reverse("jobs:job", kwargs={"task_id": task_id})).content.decode()
    assert reverse("retention:certificate", kwargs={"run_id": run.pk}) in page


def test_a_run_done_twice_deletes_once_and_issues_one_certificate(dpo, second_dpo, families):
    run = _approved(dpo, second_dpo)
    tasks.begin_run(actor=second_dpo, run=run)
    run_jobs()
    DBTaskResult.objects.update(status=TaskResultStatus.READY)  # the job runs again, as after a worker is killed
    run_jobs()
    assert DisposalCertificate.objects.filter(run=run).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN, detail__step="completed").count() == 1
    assert DisposalCertificate.objects.get(run=run).totals["families"] == 3


def test_a_run_stopped_part_way_carries_on_after_its_last_batch(dpo, second_dpo, families):
    run = _approved(dpo, second_dpo)
    tasks.begin_run(actor=second_dpo, run=run)
    seen = []

    def stop_after_the_first_batch(done, total, stage):
        seen.append(done)
        if len(seen) == 2:  # "Starting", then the first batch of one family
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), queue.reporting_to(stop_after_the_first_batch):
        queue.call_now(tasks.dispose, run.pk, second_dpo.pk, batch=1)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.results["batches"] == 1 and Family.objects.count() == 3
    run_jobs()  # the queued job carries on where it stopped
    certificate = DisposalCertificate.objects.get(run=run)
    assert certificate.totals["families"] == 3 and Family.objects.count() == 1


def test_the_command_moves_a_progress_bar_with_the_jobs_reports(council, dpo, families):
    err = io.StringIO()
    call_command("disposal", "--council", council.code, "--prepare", "--user", dpo.email, stdout=io.StringIO(),
                 stderr=err)
    assert "Counting" in err.getvalue() and "4/4" in err.getvalue() and "families checked" in err.getvalue()
    assert DisposalRun.objects.get().status == RunStatus.PREPARED


def test_the_nightly_schedule_starts_each_due_disposal_as_a_job_of_its_approver(dpo, second_dpo, families):
    run = _approved(dpo, second_dpo)
    queue.enqueue(tasks.run_due)
    run_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and Family.objects.count() == 1
    assert Progress.objects.get(about=tasks.about(run.pk), title__startswith="Run").owner == second_dpo
