from django.core.management.base import BaseCommand, CommandError

from hearth.audit import sealer, trail


class Command(BaseCommand):
    help = ("Seal committed audit rows into the hash chain, in batches. Once, or with --every SECONDS in a loop "
            "beside the web server (`hearth serve` starts one). Safe to run twice at once.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS",
                            help="keep running, sealing every SECONDS seconds, until stopped (SIGTERM or Ctrl-C)")
        parser.add_argument("--batch", type=int, default=trail.DEFAULT_BATCH,
                            help=f"rows sealed per transaction (default {trail.DEFAULT_BATCH})")
        parser.add_argument("--exit-with-parent", action="store_true",
                            help="with --every: stop when the process that started this one ends")

    def handle(self, *args, every, batch, exit_with_parent, **options):
        if batch < 1:
            raise CommandError("--batch must be 1 or more")
        if every is not None and every <= 0:
            raise CommandError("--every must be more than 0 seconds")
        if every is None:
            result = sealer.seal_round(batch)
            note = " (another sealer is sealing the rest)" if result.skipped else ""
            self.stdout.write(f"Sealed {result.sealed} audit rows{note}.")
            return
        if options["verbosity"] >= 1:
            self.stdout.write(f"Sealing audit rows every {every:g} s, {batch} a batch.")
        total = sealer.run(every=every, batch=batch, exit_with_parent=exit_with_parent)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Stopped after sealing {total} audit rows.")
