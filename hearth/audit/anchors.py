"""The audit chain's latest hash, written outside the database ("anchors").

Someone able to rewrite the whole database could rebuild a consistent hash chain; a database restored from an older
backup has a consistent chain too, only shorter. An anchor, written somewhere the database's users cannot rewrite
(a file shipped off the machine, syslog), records the last sealed row's id, sequence number and hash at a moment:
`verify` then checks that each anchored row is still in the chain with the same hash, and names the anchors that
no longer match. `write_anchor` is what a scheduled job calls (`hearth audit-anchor` runs it once).

An anchor holds a time, identifiers and a hash: no personal data.
"""

import json
import syslog
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from hearth.audit import trail
from hearth.audit.models import AuditChainHead, AuditEvent

SYSLOG_IDENT = "hearth-audit-anchor"


def latest() -> dict:
    """The chain's latest sealed row as an anchor: {"at", "event_id", "seq", "hash"} (event_id None, seq 0 and
    hash "" while nothing is sealed)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    anchor = {"at": timezone.now().isoformat(timespec="seconds"), "event_id": None, "seq": 0, "hash": ""}
    if head is None or not head.last_seq:
        return anchor
    event_id = AuditEvent.objects.filter(seq=head.last_seq).values_list("id", flat=True).first()
    anchor.update(event_id=event_id, seq=head.last_seq, hash=head.last_hash)
    return anchor


def write_anchor(path: Path | str | None = None, *, to_syslog: bool | None = None) -> dict:
    """Seal what is committed, then append the latest sealed row's anchor, as one line of JSON, to `path`
    (default HEARTH_AUDIT_ANCHOR_FILE)
    and, when `to_syslog` (default HEARTH_AUDIT_ANCHOR_SYSLOG), to syslog. Returns the anchor. Nothing is written
    while nothing is sealed (the anchor's event_id is None)."""
    trail.seal_pending()  # anchor the log as it stands, not as the sealer last left it
    anchor = latest()
    if anchor["event_id"] is None:
        return anchor
    line = json.dumps(anchor, sort_keys=True)
    path = Path(path) if path else Path(settings.HEARTH_AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(line + "\n")
    if settings.HEARTH_AUDIT_ANCHOR_SYSLOG if to_syslog is None else to_syslog:
        syslog.openlog(SYSLOG_IDENT, 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, line)
        syslog.closelog()
    return anchor


@dataclass(frozen=True)
class Mismatch:
    line: int  # in the anchors file, from 1
    anchor: dict
    reason: str

    def describe(self) -> str:
        a = self.anchor
        return (f"anchor on line {self.line} ({a.get('at', 'no time')}, audit row id {a.get('event_id')}, "
                f"sequence {a.get('seq')}): {self.reason}")


def read(path: Path | str) -> list[tuple[int, dict | None]]:
    """The anchors in a file, with their line numbers; None for a line that is not an anchor."""
    anchors = []
    for number, text in enumerate(Path(path).read_text().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            anchor = json.loads(text)
        except ValueError:
            anchor = None
        if not isinstance(anchor, dict) or not {"event_id", "seq", "hash"} <= anchor.keys():
            anchor = None
        anchors.append((number, anchor))
    return anchors


def verify(path: Path | str) -> tuple[int, list[Mismatch]]:
    """Check every anchor in the file against the chain: (how many anchors were checked, those that fail)."""
    entries = read(path)
    ids = [a["event_id"] for _, a in entries if a is not None]
    rows = {pk: (seq, digest) for pk, seq, digest in
            AuditEvent.objects.filter(id__in=ids).values_list("id", "seq", "hash")}
    failed = []
    for number, anchor in entries:
        if anchor is None:
            failed.append(Mismatch(number, {}, "the line is not an anchor"))
            continue
        row = rows.get(anchor["event_id"])
        if row is None:
            reason = ("the row is not in the audit log: the database is older than the anchor (restored from an "
                      "earlier backup?) or rows were removed")
        elif row[0] is None:
            reason = ("the row is not sealed into the chain: the database is older than the anchor (restored from "
                      "an earlier backup?)")
        elif row[0] != anchor["seq"]:
            reason = f"the row is at sequence {row[0]} in the chain, not {anchor['seq']}"
        elif row[1] != anchor["hash"]:
            reason = "the row's hash differs from the anchored hash: the chain was changed or rebuilt after it"
        else:
            continue
        failed.append(Mismatch(number, anchor, reason))
    return len(entries), failed
