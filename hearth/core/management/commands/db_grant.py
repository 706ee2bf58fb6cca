from django.core.management.base import BaseCommand, CommandError

from hearth.core import dbroles


class Command(BaseCommand):
    help = ("Grant the service's database role (PostgreSQL) what it needs and no more: read and write the records, "
            "add to the audit log but never change or delete it, no schema changes. Run as the tables' owner "
            "(HEARTH_MIGRATE_DATABASE_URL), after every `hearth migrate`.")

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the role the service connects as (in DATABASE_URL)")
        parser.add_argument("--sql", action="store_true", help="print the SQL instead of running it")

    def handle(self, *args, role, sql, **options):
        try:
            statements = dbroles.grant(role, dry_run=sql)
        except dbroles.GrantRefused as exc:
            raise CommandError(str(exc)) from exc
        if sql:
            self.stdout.write("BEGIN;\n" + "".join(f"{statement};\n" for statement in statements) + "COMMIT;")
            return
        tables = sum(statement.startswith("GRANT") and " ON \"" in statement for statement in statements)
        self.stdout.write(f"Granted the service's rights to {role} on {tables} tables: SELECT, INSERT, UPDATE, DELETE "
                          "on the records; SELECT and INSERT on the audit log (the sealer may fill in a new row's "
                          "seal, never change a sealed row); SELECT only on the migration history; no schema "
                          "changes.")
