"""The service's database role (PostgreSQL): granted by `hearth db-grant` run as the owner, it reads and writes the
records and seals the audit log, and cannot change the schema, the migration history or an audit row."""

import secrets

import psycopg
import pytest

from tests.ops.conftest import PG_SERVER, environ, hearth, psql

CASE_DATA = """
from hearth.people.models import Family, Person
from tests import factories
user = factories.UserFactory(email="ops.role@example.test", agency__council=factories.CouncilFactory())
family = factories.FamilyFactory(actor=user)
factories.ParentFactory(family=family)
print("families", Family.objects.count(), "people", Person.objects.count())
"""

# As the service, each of these must be refused: (statement, what PostgreSQL says).
REFUSED = [
    ("CREATE TABLE ops_probe (id int)", "permission denied for schema public"),
    ("ALTER TABLE people_family ADD COLUMN probe int", "must be owner of table people_family"),
    ("UPDATE governance_auditevent SET action = 'view' WHERE id = (SELECT min(id) FROM governance_auditevent)",
     "permission denied for table governance_auditevent"),
    ("UPDATE governance_auditevent SET hash = repeat('0', 64) WHERE id = (SELECT min(id) FROM governance_auditevent)",
     "audit rows are append-only"),
    ("DELETE FROM governance_auditevent WHERE id = (SELECT min(id) FROM governance_auditevent)",
     "permission denied for table governance_auditevent"),
    ("TRUNCATE governance_auditevent", "permission denied for table governance_auditevent"),
    ("DELETE FROM governance_auditchainhead", "permission denied for table governance_auditchainhead"),
    ("DELETE FROM django_migrations", "permission denied for table django_migrations"),
]


@pytest.fixture
def service_role(make_site):
    """A seeded scratch database and a throwaway login role, dropped afterwards."""
    site = make_site("postgresql")
    role, password = f"hearth_ops_svc_{secrets.token_hex(4)}", secrets.token_hex(16)
    psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    try:
        host = PG_SERVER.split("@", 1)[1]
        yield site, role, f"postgres://{role}:{password}@{host}/{site.database}"
    finally:
        psql(f"DROP OWNED BY {role}", site.database)
        psql(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_the_service_role_works_with_the_records_and_cannot_change_schema_or_audit(service_role):
    site, role, service_url = service_role
    # The service's own settings, with the owner's URL for the commands that need it.
    env = environ(site.var_dir, service_url, HEARTH_MIGRATE_DATABASE_URL=site.database_url)
    before = hearth("audit-verify", env=environ(site.var_dir, site.database_url)).stdout

    granted = hearth("db-grant", "--role", role, env=env)  # connects as the owner (HEARTH_MIGRATE_DATABASE_URL)

    assert f"Granted the service's rights to {role}" in granted.stdout
    assert "No migrations to apply" in hearth("migrate", "--no-input", env=env).stdout  # as the owner too
    service_only = environ(site.var_dir, service_url)  # from here on, the service's own settings alone
    made = hearth("shell", "--no-imports", "-c", CASE_DATA, env=service_only).stdout
    assert "families" in made
    sealed = hearth("audit-seal", env=service_only).stdout
    assert int(sealed.split()[1]) > 0  # the new family's audit rows
    assert "Audit chain intact" in hearth("audit-verify", env=service_only).stdout
    assert before != hearth("audit-verify", env=service_only).stdout

    for statement, refusal in REFUSED:
        with psycopg.connect(service_url) as connection, pytest.raises(psycopg.Error) as refused:
            connection.execute(statement)
        assert refusal in str(refused.value), statement
    with psycopg.connect(service_url) as connection:
        assert connection.execute("SELECT has_schema_privilege('public', 'CREATE')").fetchone() == (False,)


@pytest.mark.postgres
def test_the_grant_is_printed_as_sql_and_refuses_a_role_that_could_not_be_limited(service_role):
    site, role, _ = service_role
    owner = environ(site.var_dir, site.database_url)
    script = hearth("db-grant", "--role", role, "--sql", env=owner).stdout
    assert f'GRANT SELECT, INSERT, UPDATE (seq, prev_hash, hash) ON "governance_auditevent" TO "{role}"' in script
    assert f'GRANT SELECT ON "django_migrations" TO "{role}"' in script
    assert script.startswith("BEGIN;") and script.rstrip().endswith("COMMIT;")
    missing = hearth("db-grant", "--role", "hearth_ops_nobody", env=owner, check=False)
    assert missing.returncode and "There is no database role 'hearth_ops_nobody'" in missing.stderr
    superuser = hearth("db-grant", "--role", "postgres", env=owner, check=False)
    assert superuser.returncode and "must be an ordinary login role" in superuser.stderr


def test_sqlite_has_no_roles_to_grant(tmp_path):
    done = hearth("db-grant", "--role", "hearth", env=environ(tmp_path), check=False)
    assert done.returncode and "Database roles are for PostgreSQL" in done.stderr
