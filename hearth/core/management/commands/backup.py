from django.core.management.base import BaseCommand, CommandError

from hearth.core import backups


class Command(BaseCommand):
    help = ("Back up the whole database to one file: pg_dump's custom format on PostgreSQL, SQLite's online backup "
            "on SQLite. Safe while the service runs. The file holds personal data: keep it encrypted and expire it "
            "(docs/deploy.md, Backups).")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE",
                            help="where to write the backup (default var/backups/hearth-<time>.dump or .sqlite3)")

    def handle(self, *args, output, **options):
        try:
            outcome = backups.backup(output)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = outcome.path.stat().st_size
        self.stdout.write(f"Backed up the {outcome.database} to {outcome.path} ({size:,} bytes, {outcome.tables} "
                          f"tables, audit chain sealed to sequence {outcome.audit_seq}).")
