"""The service's database role on PostgreSQL (`hearth db-grant`; docs/deploy.md, "Database roles").

Migrations run as the owner of the tables (HEARTH_MIGRATE_DATABASE_URL). The service connects as another role
(DATABASE_URL) that may read and write the records but cannot change the schema, the migration history or the
audit log:

- every table: SELECT, INSERT, UPDATE, DELETE; except
- the migration history (`django_migrations`): SELECT only;
- the audit log (`governance_auditevent`): SELECT and INSERT, and UPDATE of the three columns the sealer fills in
  (`seq`, `prev_hash`, `hash`) and of nothing else. The append-only trigger refuses any change to a row once it is
  sealed, so a sealed row cannot be changed by the service at all; no DELETE (the trigger refuses it too);
- the chain's head (`governance_auditchainhead`): SELECT, INSERT, UPDATE (the sealer moves it on), no DELETE;
- sequences: USAGE; the schema: USAGE, never CREATE; no TRUNCATE, REFERENCES or TRIGGER anywhere.

Granting replaces whatever the role had on the schema's tables and sequences, so running it again after each
`hearth migrate` (new tables) leaves the role with exactly these rights.
"""

from django.db import connection, transaction

from hearth.audit.models import AuditChainHead, AuditEvent

MIGRATIONS_TABLE = "django_migrations"
ALL = "SELECT, INSERT, UPDATE, DELETE"
SEALED_COLUMNS = ("seq", "prev_hash", "hash")


class GrantRefused(Exception):
    """The grant cannot be made as asked; the message says why."""


def table_rights() -> dict[str, str]:
    """The tables with their own rule (anything else gets ALL)."""
    audit, head = AuditEvent._meta.db_table, AuditChainHead._meta.db_table
    columns = ", ".join(SEALED_COLUMNS)
    return {MIGRATIONS_TABLE: "SELECT", audit: f"SELECT, INSERT, UPDATE ({columns})", head: "SELECT, INSERT, UPDATE"}


def statements(role: str, tables: list[str]) -> list[str]:
    """The SQL granting `role` the service's rights on `tables` (in the current schema)."""
    q = connection.ops.quote_name
    who = q(role)
    special = table_rights()
    sql = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA public FROM {who}",
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {who}",
    ]
    sql += [f"GRANT {special.get(table, ALL)} ON {q(table)} TO {who}" for table in sorted(tables)]
    sql.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {who}")
    return sql


def _check_role(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
                       [role])
        found = cursor.fetchone()
        if found is None:
            raise GrantRefused(f"There is no database role {role!r}: create it first, e.g. "
                               f"CREATE ROLE {role} LOGIN PASSWORD '…' (as a database administrator).")
        if any(found):
            raise GrantRefused(f"The role {role!r} is a superuser or may create roles or databases, or bypass row "
                               "security: the service's role must be an ordinary login role.")
        cursor.execute("SELECT current_user, current_schema()")
        user, schema = cursor.fetchone()
        if user == role:
            raise GrantRefused(f"This command is connected as {role!r} itself: run it as the owner of the tables "
                               "(HEARTH_MIGRATE_DATABASE_URL), naming the service's role.")
        if schema != "public":
            raise GrantRefused(f"Hearth's tables are in the schema {schema!r}; this command grants on 'public' only.")
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role])
        if cursor.fetchone()[0]:
            raise GrantRefused(f"The role {role!r} owns tables here, so no grant could limit it: the service needs a "
                               "role of its own that owns nothing.")


def tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [name for (name,) in cursor.fetchall()]


def grant(role: str, *, dry_run: bool = False) -> list[str]:
    """Grant the service's rights to `role` (PostgreSQL only), in one transaction. Returns the statements (not run
    when `dry_run`)."""
    if connection.vendor != "postgresql":
        raise GrantRefused("Database roles are for PostgreSQL: a SQLite database has no roles to grant.")
    _check_role(role)
    sql = statements(role, tables())
    if not dry_run:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
    return sql
