"""`hearth disposal`: prepare, approve and run disposals of records due under a council's retention rules.

    hearth disposal --council oxfordshire --prepare --user dpo@example.test [--as-of 2026-11-30]
    hearth disposal --council oxfordshire --approve 12 --user second.dpo@example.test
    hearth disposal --council oxfordshire --run 12 [--user dpo@example.test] [--resume]
    hearth disposal --run-due                  # the nightly job: every approved disposal whose date has come

For cron, nightly at 02:15:

    15 2 * * * cd /srv/hearth && .venv/bin/hearth disposal --run-due --no-progress >> var/log/disposal.log 2>&1
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hearth.accounts.models import User
from hearth.core.errors import DomainError
from hearth.core.models import Council
from hearth.jobs import queue
from hearth.retention import rules, selectors, services, tasks
from hearth.retention.models import DisposalCertificate, DisposalRun


class Command(BaseCommand):
    help = ("Prepare (a dry run with counts), approve (a second data protection officer) or run a disposal of the "
            "records due under a council's retention rules; --run-due runs every approved disposal whose date has "
            "come (for cron).")

    def add_arguments(self, parser):
        parser.add_argument("--council", help="The council's code, as in its profile")
        step = parser.add_mutually_exclusive_group(required=True)
        step.add_argument("--prepare", action="store_true", help="Count what is due (deletes nothing)")
        step.add_argument("--approve", type=int, metavar="RUN_ID", help="Approve a prepared disposal")
        step.add_argument("--run", type=int, metavar="RUN_ID", help="Run an approved disposal (irreversible)")
        step.add_argument("--run-due", action="store_true",
                          help="Run every approved disposal whose as-of date has come (the scheduled job)")
        parser.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                            help="With --prepare: count what is due by this date (default today)")
        parser.add_argument("--user", metavar="EMAIL",
                            help="The data protection officer doing this (required to prepare and approve; "
                                 "a run defaults to the approver)")
        parser.add_argument("--resume", action="store_true", help="With --run: continue a run that stopped part way")
        parser.add_argument("--batch", type=int, default=services.BATCH,
                            help="Families read in one transaction (default %(default)s)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, council, prepare, approve, run, run_due, as_of, user, resume, batch, no_progress,
               **options):
        if batch < 1:
            raise CommandError("--batch must be 1 or more")
        self.no_progress = no_progress
        try:
            if run_due:
                self._run_due(batch)
                return
            target = self._council(council)
            if prepare:
                self._prepare(target, self._user(user, required="--prepare"), as_of, batch)
            elif approve is not None:
                self._approve(self._run(target, approve), self._user(user, required="--approve"))
            else:
                found = self._run(target, run)
                actor = self._user(user) if user else found.approved_by
                if actor is None:
                    raise CommandError(f"Disposal {found.reference} has not been approved.")
                self._run_one(found, actor, resume=resume, batch=batch)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    # -- lookups ---------------------------------------------------------------------------------------------------

    def _council(self, code: str | None) -> Council:
        if not code:
            raise CommandError("Give the council's code with --council")
        found = Council.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Council.objects.values_list("code", flat=True)) or "none loaded"
            raise CommandError(f"There is no council with code '{code}'. Known codes: {known}")
        return found

    def _user(self, email: str | None, *, required: str = "") -> User:
        if not email:
            raise CommandError(f"{required} needs --user, the email address of the data protection officer")
        found = User.objects.filter(email__iexact=email).first()
        if found is None:
            raise CommandError(f"There is no user with the email address {email}")
        return found

    def _bar(self, what: str):
        return tqdm(total=None, unit="family", desc=what, disable=self.no_progress, file=self.stderr)

    def _follow(self, what: str, task, *args, **kwargs):
        """Run a disposal job's function in this process, its reports (`queue.report`) moving a progress bar: the
        same code the worker runs, so a command stopped part way is finished by running it again, or by the
        worker. In this process rather than queued, so that cron and an operator need no worker running and see
        the bar and the counts at once."""
        with self._bar(what) as bar:
            def move(done: int, total: int | None, stage: str) -> None:
                if total is not None and bar.total != total:
                    bar.total = total
                bar.n = done
                bar.set_postfix_str(stage, refresh=False)
                bar.refresh()

            with queue.reporting_to(move):
                return queue.call_now(task, *args, **kwargs)

    # -- steps -----------------------------------------------------------------------------------------------------

    def _prepare(self, council: Council, actor: User, as_of: date | None, batch: int) -> None:
        run = services.disposal_start_count(actor=actor, council=council, as_of=as_of)
        self._follow("Counting", tasks.count_due, run.pk, batch=batch)
        run.refresh_from_db()
        self.stdout.write(f"Prepared disposal {run.pk} ({run.reference}) for {council.name}: records due by "
                          f"{run.as_of:%-d %B %Y}. Nothing has been deleted.")
        self._report(run, run.counts, forecast=True)
        self.stdout.write(f"Another data protection officer approves it with: hearth disposal --council "
                          f"{council.code} --approve {run.pk} --user EMAIL")

    def _approve(self, run: DisposalRun, actor: User) -> None:
        run = services.disposal_approve(actor=actor, run=run)
        self.stdout.write(f"Disposal {run.pk} approved by {actor.full_name}. It runs with the nightly job, or now "
                          f"with: hearth disposal --council {run.council.code} --run {run.pk}")

    def _execute(self, run: DisposalRun, actor: User, *, resume: bool, batch: int) -> DisposalCertificate:
        run = services.disposal_start(actor=actor, run=run, resume=resume)
        self._follow(f"Disposal {run.pk}", tasks.dispose, run.pk, actor.pk, batch=batch)
        return DisposalCertificate.objects.get(run=run)

    def _run(self, council: Council, run_id: int) -> DisposalRun:
        found = DisposalRun.objects.filter(pk=run_id, council=council).select_related("approved_by").first()
        if found is None:
            raise CommandError(f"There is no disposal {run_id} for {council.name}")
        return found

    def _run_one(self, run: DisposalRun, actor: User, *, resume: bool, batch: int) -> None:
        certificate = self._execute(run, actor, resume=resume, batch=batch)
        run.refresh_from_db()
        self.stdout.write(f"Disposal {run.pk} completed; certificate {certificate.reference}.")
        self._report(run, run.results, forecast=False)

    def _run_due(self, batch: int) -> None:
        certificates = []
        for run in services.due_runs():
            try:
                certificates.append(self._execute(run, run.approved_by, resume=False, batch=batch))
            except DomainError as exc:
                services.logger.warning("Disposal run %s was not run: %s", run.pk, exc.message)
        if not certificates:
            self.stdout.write("No approved disposal is due to run.")
        for certificate in certificates:
            self.stdout.write(f"Disposal {certificate.run_id} completed; certificate {certificate.reference}: "
                              f"{certificate.totals['families']:,} families, {certificate.totals['people']:,} people, "
                              f"{certificate.totals['records']:,} records.")

    def _report(self, run: DisposalRun, counts: dict, *, forecast: bool) -> None:
        verb = "due" if forecast else "deleted"
        self.stdout.write("")
        self.stdout.write("Families")
        for _, label, n in selectors.state_rows(counts):
            self.stdout.write(f"  {n:>10,}  {label}")
        people = counts.get("people") or {}
        self.stdout.write(f"  {people.get('disposed', 0):>10,}  People {verb} (members of no family that is kept)")
        self.stdout.write(f"  {people.get('kept', 0):>10,}  Members kept (in a kept family, or a kept record "
                          "refers to them)")
        self.stdout.write("")
        self.stdout.write(f"Records {verb}, by retention rule")
        by_type = counts.get("by_record_type") or {}
        governs = (run.counts or {}).get("governs") or {}
        for rule in rules.rules_from(run.rules):
            if not rule.applied_by_disposal:
                self.stdout.write(f"  {'kept':>10}  {rule.label}: {rule.period} (not deleted by disposal)")
                continue
            sets = governs.get(rule.record_type, 0)
            own = rules.has_own_records(rule.record_type)
            n = f"{by_type.get(rule.record_type, 0):>10,}" if own else f"{'-':>10}"
            self.stdout.write(f"  {n}  {rule.label}: kept {rule.period}"
                              + (f" (set the date for {sets:,} families)" if sets else "")
                              + ("" if own else " (within the records above)"))
        self.stdout.write(f"  {by_type.get(rules.FAMILY_RECORD, 0):>10,}  "
                          f"{rules.record_type_label(rules.FAMILY_RECORD)}: with the family")
