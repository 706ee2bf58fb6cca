import os
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from hearth.jobs.worker import HearthWorker


def _exit_with_parent() -> None:
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            threading.Event().wait(2)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="hearth-worker-parent", daemon=True).start()


class Command(BaseCommand):
    help = ("Run background jobs (emails, reminders, disposal runs, subject access bundles, exports) and the "
            "schedules, until stopped. SIGTERM finishes the running job first. Run one or more per deployment.")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when the queue is empty (default 1)")
        parser.add_argument("--batch", action="store_true", help="run every job waiting now, then stop")
        parser.add_argument("--max-jobs", type=int, help="stop after this many jobs")
        parser.add_argument("--no-schedules", action="store_true", help="do not enqueue scheduled work")
        parser.add_argument("--exit-with-parent", action="store_true",
                            help="stop when the process that started this one ends (`hearth serve` uses it)")

    def handle(self, *args, interval, batch, max_jobs, no_schedules, exit_with_parent, **options):
        if interval < 0:
            raise CommandError("--interval must be 0 or more seconds")
        if max_jobs is not None and max_jobs < 1:
            raise CommandError("--max-jobs must be 1 or more")
        if exit_with_parent:
            _exit_with_parent()
        worker = HearthWorker(interval=interval, batch=batch, max_tasks=max_jobs, schedules_on=not no_schedules)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Worker {worker.worker_id} running jobs{'' if batch else ' until stopped'}.")
        worker.run()
