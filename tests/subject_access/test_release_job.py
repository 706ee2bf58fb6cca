"""Releasing a subject access request records the decision at once; the bundle is compiled and printed by a job in
the worker, with a page showing how far it has got, seen only by the council's data protection officers. The
workbench says the bundle is being prepared until it is kept, then offers the downloads; a failure is shown, and
the bundle can be prepared again. A job run twice keeps one bundle and records the release once."""

from unittest import mock

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.jobs import queue
from hearth.jobs.models import Progress
from hearth.sharing.models import Disclosure, DisclosureKind
from hearth.subject_access import services, tasks
from hearth.subject_access.compile import SECTIONS
from hearth.subject_access.models import ReleasedBundle, SarStatus
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _release(client, sar):
    response = client.post(reverse("subject_access:release", kwargs={"sar_id": sar.pk}),
                           {"version": sar.version, "checked": "on"})
    assert response.status_code == 302
    return response["Location"]


def _job_url(page: str) -> str:
    start = page.index('href="/jobs/') + len('href="')
    return page[start:page.index('"', start)]


def test_the_workbench_says_the_bundle_is_being_prepared_then_offers_it(dpo, client_for, verified, history, make,
                                                                        other_dpo):
    client = client_for(dpo)
    workbench = _release(client, verified)
    verified.refresh_from_db()
    assert verified.status == SarStatus.RELEASED and verified.released_by == dpo
    page = client.get(workbench).content.decode()
    assert "Preparing the bundle" in page and "You can leave this page" in page and "Download the PDF" not in page
    job_url = _job_url(page)
    job_page = client.get(job_url).content.decode()
    assert f"Prepare the bundle for subject access request {verified.reference}" in job_page
    assert "Waiting to start" in job_page and "Check how far it has got" in job_page

    # The page is the council's officers' only.
    colleague = make("dot.dpo@example.test", Role.DPO)
    assert client_for(colleague).get(job_url).status_code == 200
    assert client_for(other_dpo).get(job_url).status_code == 404
    assert client_for(make("pat.p@example.test", Role.PRACTITIONER)).get(job_url).status_code == 404

    assert run_jobs() == 1
    client = client_for(dpo)
    progress = Progress.objects.get(about=tasks.about(verified.pk))
    assert progress.done == progress.total == tasks.STEPS and progress.stage == "Ready to download"
    job_page = client.get(job_url).content.decode()
    assert "Finished" in job_page and workbench in job_page
    page = client.get(workbench).content.decode()
    assert "Preparing the bundle" not in page and "Download the PDF" in page
    pdf = client.get(reverse("subject_access:bundle_pdf", kwargs={"sar_id": verified.pk}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_progress_is_reported_section_by_section(dpo, verified, history):
    services.sar_release(actor=dpo, sar=verified, version=verified.version)
    with mock.patch("hearth.jobs.queue.report", wraps=queue.report) as report:
        run_jobs()
    calls = [c.args for c in report.call_args_list]
    assert calls[0] == (0, tasks.STEPS, "Reading the record")
    assert [done for done, _, stage in calls if stage.startswith("Read: ")] == list(range(1, len(SECTIONS) + 1))
    assert [stage for _, _, stage in calls[-3:]] == ["Making the PDF", "Making the data file", "Ready to download"]
    assert ReleasedBundle.objects.filter(sar=verified).exists()


def test_a_job_run_twice_keeps_one_bundle_and_records_the_release_once(dpo, verified, history, family):
    services.sar_release(actor=dpo, sar=verified, version=verified.version)
    run_jobs()
    DBTaskResult.objects.update(status=TaskResultStatus.READY)  # the job runs again, as after a worker is killed
    run_jobs()
    assert ReleasedBundle.objects.filter(sar=verified).count() == 1
    assert Disclosure.objects.filter(kind=DisclosureKind.SUBJECT_ACCESS, family=family).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__document="subject_access_bundle").count() == 1


def test_a_bundle_that_cannot_be_prepared_is_shown_as_failed_and_can_be_prepared_again(dpo, client_for, verified,
                                                                                       history):
    client = client_for(dpo)
    workbench = _release(client, verified)
    with mock.patch("hearth.subject_access.compile.bundle_pdf", side_effect=RuntimeError("printer on fire")):
        for _ in range(5):  # the first try and three retries, each after its back-off
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=DBTaskResult.objects.first()
                                                                              .enqueued_at)
            run_jobs()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    page = client.get(workbench).content.decode()
    assert "The bundle could not be prepared. It was tried 4 times." in page and "Download the PDF" not in page
    assert "This could not be finished" in client.get(_job_url(page)).content.decode()
    assert not ReleasedBundle.objects.exists()

    response = client.post(reverse("subject_access:prepare_again", kwargs={"sar_id": verified.pk}))
    assert response.status_code == 302
    page = client.get(workbench).content.decode()
    assert "The bundle is being prepared again." in page and "Preparing the bundle" in page
    run_jobs()
    assert "Download the PDF" in client.get(workbench).content.decode()
    assert ReleasedBundle.objects.filter(sar=verified).count() == 1
