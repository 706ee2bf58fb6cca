from django.core.management.base import BaseCommand, CommandError

from hearth.audit import anchors, trail


class Command(BaseCommand):
    help = ("Seal pending audit rows, then verify the whole hash chain and name the first broken row; with --anchors "
            "FILE, also check that each anchor written by `hearth audit-anchor` still matches the chain.")

    def add_arguments(self, parser):
        parser.add_argument("--anchors", metavar="FILE", dest="anchors_file",
                            help="a file of anchors (`hearth audit-anchor`): name each one the chain no longer matches")

    def handle(self, *args, anchors_file: str | None = None, **options):
        sealed = trail.seal_pending()
        result = trail.verify_chain()
        failures = []
        if result.ok:
            self.stdout.write(f"Audit chain intact: {result.checked} rows verified ({sealed} newly sealed).")
        else:
            failures.append(f"Audit chain broken at row id {result.first_broken_id}: {result.reason} "
                            f"({result.checked} rows verified before it)")
        if anchors_file is not None:
            try:
                checked, failed = anchors.verify(anchors_file)
            except OSError as exc:
                raise CommandError(f"Cannot read the anchors file {anchors_file}: {exc.strerror}.") from exc
            if failed:
                failures.append(f"{len(failed)} of {checked} anchors in {anchors_file} no longer match the audit "
                                "chain:\n" + "\n".join(f"- {mismatch.describe()}" for mismatch in failed))
            else:
                self.stdout.write(f"Anchors match: {checked} anchors in {anchors_file} checked.")
        if failures:
            raise CommandError("\n".join(failures))
