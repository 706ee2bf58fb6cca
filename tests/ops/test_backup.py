"""`hearth backup` and `hearth restore`, as an operator runs them: a round trip into a new database gives the same
data and an intact audit chain; a database that is not empty is replaced only when asked (--force)."""

import json
import stat

from tests.ops.conftest import Site

TABLES = ["core_council", "accounts_user", "people_family", "people_person", "people_address", "cases_episode",
          "consent_shareconsent", "plans_action", "governance_auditevent", "governance_auditchainhead"]

SNAPSHOT = f"""
import json
from django.db import connection
with connection.cursor() as c:
    counts = {{}}
    for table in {TABLES!r}:
        c.execute(f"SELECT count(*) FROM {{table}}")
        counts[table] = c.fetchone()[0]
    c.execute("SELECT * FROM people_person ORDER BY id LIMIT 1")
    person = [str(value) for value in c.fetchone()]
    c.execute("SELECT id, seq, hash FROM governance_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
    last = list(c.fetchone())
print(json.dumps({{"counts": counts, "person": person, "last_sealed": last}}))
"""  # noqa: S608 (table names from the list above)


def snapshot(site: Site) -> dict:
    """Counts of several tables, a person's row and the last sealed audit row, read by the site's own `hearth`."""
    return json.loads(site.shell(SNAPSHOT).strip().splitlines()[-1])


def test_a_backup_restored_into_a_new_database_has_the_same_data_and_an_intact_audit_chain(make_site, vendor):
    source = make_site(vendor)
    before = snapshot(source)
    assert before["counts"]["people_family"] > 0 and before["counts"]["governance_auditevent"] > 0
    backup = source.var_dir / "backups" / "nightly.backup"

    done = source.run("backup", "--output", str(backup))

    assert f"to {backup}" in done.stdout and f"sealed to sequence {before['last_sealed'][1]}" in done.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data: the owner's alone
    target = make_site(vendor, seeded=False)
    done = target.run("restore", str(backup))
    assert f"Restored {backup} into the" in done.stdout
    assert "audit-verify" in done.stdout  # what to do next
    assert "Audit chain intact" in target.run("audit-verify").stdout
    assert snapshot(target) == before


def test_the_default_backup_file_is_under_the_var_directory(make_site, vendor):
    site = make_site(vendor, seeded=False)
    site.run("migrate", "--no-input", "-v", "0")
    done = site.run("backup")
    files = list((site.var_dir / "backups").iterdir())
    assert len(files) == 1 and files[0].name.startswith("hearth-") and str(files[0]) in done.stdout
    again = site.run("backup", "--output", str(files[0]), check=False)
    assert again.returncode and "already exists: name a new file" in again.stderr


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(make_site, vendor):
    site = make_site(vendor)
    older = site.var_dir / "older.backup"
    site.run("backup", "--output", str(older))
    before = snapshot(site)
    site.run("shell", "-c", "from hearth.audit import trail; trail.record(actor=None, action='admin', "
                            "object_type='ops.after_backup')")
    site.run("audit-seal")
    newer = snapshot(site)
    assert newer["counts"]["governance_auditevent"] == before["counts"]["governance_auditevent"] + 1

    refused = site.run("restore", str(older), check=False)

    assert refused.returncode != 0
    assert "is not empty" in refused.stderr and "add --force to replace it" in refused.stderr
    assert snapshot(site) == newer  # nothing changed
    done = site.run("restore", "--force", str(older))
    assert "Restored" in done.stdout
    assert snapshot(site) == before
    assert "Audit chain intact" in site.run("audit-verify").stdout


def test_restore_refuses_a_file_that_is_not_a_backup_of_its_kind(make_site, vendor, tmp_path):
    site = make_site(vendor, seeded=False)
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other = tmp_path / "other.backup"
    other.write_bytes(b"SQLite format 3\x00" if vendor == "postgresql" else b"PGDMP\x01\x0e\x00")

    refused = site.run("restore", str(text), check=False)
    assert refused.returncode and "is not a Hearth backup" in refused.stderr
    refused = site.run("restore", str(other), check=False)
    assert refused.returncode and "restore it into one of its own kind" in refused.stderr
    refused = site.run("restore", str(tmp_path / "missing.backup"), check=False)
    assert refused.returncode and "There is no backup file" in refused.stderr
