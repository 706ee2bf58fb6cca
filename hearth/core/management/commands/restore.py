from django.core.management.base import BaseCommand, CommandError

from hearth.core import backups


class Command(BaseCommand):
    help = ("Restore the database from a file written by `hearth backup`. Refuses a database that is not empty "
            "unless --force. Stop the web service and workers first.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the backup to restore")
        parser.add_argument("--force", action="store_true",
                            help="replace everything in a database that is not empty (its tables are dropped)")

    def handle(self, *args, file, force, **options):
        try:
            outcome = backups.restore(file, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {outcome.path} into the {outcome.database}: {outcome.tables} tables, audit chain sealed to "
            f"sequence {outcome.audit_seq}.\n"
            "Next: `hearth migrate` (if this release is newer than the backup); on PostgreSQL `hearth db-grant --role "
            "<service role>` (grants are not restored); `hearth audit-verify --anchors <anchors file>`; then re-apply "
            "the disposals and erasures done since the backup was taken (docs/deploy.md, the restore drill).")
