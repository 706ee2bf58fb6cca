"""The audit chain's latest hash written outside the database (`hearth audit-anchor`), and `hearth audit-verify
--anchors` naming each anchor a tampered or restored-from-older-backup database no longer matches."""

import json

from hearth.audit import anchors, trail
from hearth.audit.models import AuditEvent

RECORD = "from hearth.audit import trail; trail.record(actor=None, action='admin', object_type='ops.{}')"
# As someone with the database's owner rights could: the append-only trigger lifted (tests/tampering.py), then a
# sealed row's hash replaced.
TAMPER = """
from django.db import connection, transaction
from tests.tampering import lift_audit_triggers
with transaction.atomic():
    lift_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditevent SET hash = %s WHERE id = %s", ["0" * 64, {pk}])
"""


def anchor(site, *args):
    done = site.run("audit-anchor", *args)
    assert "Anchored audit row id" in done.stdout
    return done


def test_an_anchor_is_one_line_of_json_that_verify_finds_still_matching(make_site, vendor):
    site = make_site(vendor)
    done = anchor(site)
    path = site.var_dir / "audit-anchors.log"
    assert str(path) in done.stdout
    written = json.loads(path.read_text())
    assert set(written) == {"at", "event_id", "seq", "hash"} and len(written["hash"]) == 64
    site.run("shell", "-c", RECORD.format("after_anchor"))
    anchor(site)

    done = site.run("audit-verify", "--anchors", str(path))

    assert "Audit chain intact" in done.stdout and "Anchors match: 2 anchors" in done.stdout


def test_the_anchor_file_can_be_chosen(make_site, vendor, tmp_path):
    site = make_site(vendor)
    chosen, other = tmp_path / "ship" / "anchors.jsonl", tmp_path / "other.log"
    site.run("audit-anchor", HEARTH_AUDIT_ANCHOR_FILE=str(chosen))
    site.run("audit-anchor", "--to", str(other))
    assert len(chosen.read_text().splitlines()) == 1 and len(other.read_text().splitlines()) == 1
    assert not (site.var_dir / "audit-anchors.log").exists()


def test_a_tampered_sealed_row_is_named_by_its_anchor(make_site, vendor):
    site = make_site(vendor)
    path = site.var_dir / "audit-anchors.log"
    anchor(site)
    anchored = json.loads(path.read_text())["event_id"]
    site.run("shell", "-c", RECORD.format("later"))
    anchor(site)
    site.run("shell", "-c", TAMPER.format(pk=anchored))

    done = site.run("audit-verify", "--anchors", str(path), check=False)

    assert done.returncode != 0
    assert f"Audit chain broken at row id {anchored}" in done.stderr
    assert "2 of 2 anchors" not in done.stderr
    assert (f"anchor on line 1 ({json.loads(path.read_text().splitlines()[0])['at']}, audit row id {anchored}"
            in done.stderr)
    assert "the row's hash differs from the anchored hash" in done.stderr


def test_a_database_restored_from_an_older_backup_fails_the_later_anchors(make_site, vendor):
    site = make_site(vendor)
    path = site.var_dir / "audit-anchors.log"
    anchor(site)
    site.run("backup", "--output", str(site.var_dir / "older.backup"))
    site.run("shell", "-c", RECORD.format("after_the_backup"))
    anchor(site)
    later = json.loads(path.read_text().splitlines()[1])
    site.run("restore", "--force", str(site.var_dir / "older.backup"))
    site.run("shell", "-c", RECORD.format("after_the_restore"))  # the chain goes on, differently

    done = site.run("audit-verify", "--anchors", str(path), check=False)

    assert done.returncode != 0
    assert "Audit chain intact" in done.stdout  # consistent, only not the chain that was anchored
    assert "1 of 2 anchors" in done.stderr
    assert f"anchor on line 2 ({later['at']}, audit row id {later['event_id']}, sequence {later['seq']})" in done.stderr
    assert "line 1" not in done.stderr


def test_write_anchor_is_what_a_scheduled_job_calls(db, tmp_path, monkeypatch, settings):
    path = tmp_path / "anchors.log"
    assert anchors.write_anchor(path)["event_id"] is None  # nothing sealed yet: nothing written
    assert not path.exists()
    event = trail.record(actor=None, action="admin", object_type="ops.scheduled")
    trail.seal_pending()
    sent = []
    monkeypatch.setattr(anchors.syslog, "syslog", lambda priority, line: sent.append(line))
    settings.HEARTH_AUDIT_ANCHOR_SYSLOG = True

    written = anchors.write_anchor(path)

    sealed = AuditEvent.objects.get(pk=event.pk)
    assert (written["event_id"], written["seq"], written["hash"]) == (sealed.pk, sealed.seq, sealed.hash)
    assert json.loads(path.read_text()) == written
    assert sent == [path.read_text().strip()]
    assert anchors.verify(path) == (1, [])
