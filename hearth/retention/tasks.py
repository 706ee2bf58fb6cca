"""Disposal in the worker: the dry run (`count_due`), the run (`dispose`) and the nightly start of every approved
disposal whose date has come (`run_due`), each with a page that shows how far it has got.

The pages call `begin_count` and `begin_run`, which record the step (`services.disposal_start_count`,
`services.disposal_start`) and queue its job in the same transaction. `hearth disposal` runs the same job functions
in its own process (`queue.call_now`) with a progress bar.

Every job here can be run again after its worker was stopped: a count starts over and keeps its counts once; a run
carries on after the last batch it committed (each batch is its own transaction) and issues its certificate once.
"""

import logging

from django.db import transaction
from django.urls import reverse

from hearth.accounts.models import User
from hearth.core.errors import DomainError
from hearth.jobs import queue
from hearth.retention import rules, services, sweep
from hearth.retention.models import DisposalRun, RunStatus

logger = logging.getLogger(__name__)


def about(run_id: int) -> str:
    """How a job's page names the disposal it works for (hearth.jobs.access)."""
    return f"retention:run:{run_id}"


class _Reporter:
    """Turns the walk's progress into the job's progress: families checked out of the council's, and what was
    found due or deleted so far."""

    def __init__(self, run: DisposalRun, *, verb: str):
        self.verb = verb
        self.start = sweep.Totals.from_json(run.results)
        self.done = sum(self.start.states.values())
        self.total = self.done + services.family_count_after(run.council, self.start.last_family_id)
        queue.report(self.done, self.total, "Starting")

    def __call__(self, n: int, totals: sweep.Totals) -> None:
        self.done += n
        due = totals.states.get(rules.DUE, 0)
        records = sum(totals.records.values())
        queue.report(self.done, self.total, f"{self.done:,} families checked; {due:,} families and {records:,} "
                                            f"records {self.verb}")


@queue.job("Count what is due for disposal", retries=3, atomic=False)
def count_due(run_id: int, batch: int = services.BATCH) -> str:
    run = DisposalRun.objects.select_related("council").get(pk=run_id)
    if run.status != RunStatus.COUNTING:
        return "counted already"
    run = services.disposal_count(run, progress=_Reporter(run, verb="due"), batch=batch)
    return run.status


@queue.job("Run a disposal", retries=3, atomic=False)
def dispose(run_id: int, actor_id: int, batch: int = services.BATCH) -> str:
    run = DisposalRun.objects.select_related("council").get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return "not running"  # completed already by an earlier attempt, or never started
    actor = User.objects.select_related("agency").get(pk=actor_id)
    reporter = _Reporter(run, verb="deleted")
    certificate = services.disposal_run(actor=actor, run=run, resume=True, progress=reporter, batch=batch)
    queue.report(reporter.done, reporter.total, "Finished",
                 result_url=reverse("retention:certificate", kwargs={"run_id": run_id}))
    return certificate.reference


@queue.job("Start the disposals whose date has come")
def run_due(slot: str = "") -> int:
    """The nightly schedule: start every approved disposal whose date has come, on the authority of the person who
    approved it (its page is theirs). One that cannot start is left approved."""
    started = 0
    for run in services.due_runs():
        try:
            with transaction.atomic():
                begin_run(actor=run.approved_by, run=run)
            started += 1
        except DomainError as exc:
            logger.warning("Disposal run %s was not started: %s", run.pk, exc.message)
    return started


def _page(actor, run: DisposalRun, task, title: str, *args) -> str:
    return queue.start(task, run.pk, *args, owner=actor, title=title, about=about(run.pk),
                       result_url=reverse("retention:run", kwargs={"run_id": run.pk}))


def begin_count(*, actor, as_of=None) -> tuple[DisposalRun, str]:
    """A dry run from a page: the disposal recorded as counting, and the job that counts. Returns both."""
    with transaction.atomic():
        run = services.disposal_start_count(actor=actor, as_of=as_of)
        return run, _page(actor, run, count_due, f"Count what is due for disposal {run.reference}")


def begin_run(*, actor, run: DisposalRun, version: int | None = None) -> str:
    """Run an approved disposal from a page: marked running by the actor, and the job that runs it."""
    with transaction.atomic():
        run = services.disposal_start(actor=actor, run=run, version=version)
        return _page(actor, run, dispose, f"Run disposal {run.reference}", actor.pk)
