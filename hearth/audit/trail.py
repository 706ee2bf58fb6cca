"""Writing and sealing the audit log.

`record` is called by services and selectors inside the request's transaction, so the audit row and
the data it covers commit together; if the row cannot be written, AuditUnavailable is raised and the
data is not returned. Requests never seal: `hearth audit-seal` (a process beside the web server, started
by `hearth serve`) chains committed rows in batches with `seal_batch`, each in its own short transaction
holding the chain's head, and adds them to the record-view summary (decision record 0004).
"""

import contextvars
import hashlib
import json
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connection, transaction

from hearth.audit import summary
from hearth.audit.models import AuditAction, AuditChainHead, AuditEvent


class AuditUnavailable(Exception):
    """The audit row could not be written, so the data must not be returned."""


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("audit_context", default=None)


def set_context(ctx: RequestContext | None) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def _object_type(obj) -> str:
    return obj._meta.label_lower


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    family_id: int | None = None,
    person_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    ctx = _context.get()
    try:
        # No savepoint of its own: a row that cannot be written fails the whole request (fail closed), and a page
        # saves two round trips.
        with transaction.atomic(savepoint=False):
            event = AuditEvent.objects.create(
                actor=actor if getattr(actor, "pk", None) else None,
                action=action,
                object_type=object_type or (_object_type(obj) if obj is not None else ""),
                object_id=str(object_id if object_id is not None else getattr(obj, "pk", "") or ""),
                family_id=family_id,
                person_id=person_id,
                ip_address=ctx.ip_address if ctx else None,
                detail=detail or {},
            )
    except DatabaseError as exc:
        raise AuditUnavailable("The audit log could not be written.") from exc
    return event


def record_many(*, actor, action: str, object_type: str, rows: list[tuple[str, int | None, dict]],
                batch: int = 2_000) -> int:
    """Audit many objects at once ((object id, family id, detail) each), written in batches in the caller's
    transaction: for a service that writes many records together (a national return's register entries). Listeners
    of single rows (`post_save`) are not told."""
    ctx = _context.get()
    written = 0
    try:
        with transaction.atomic(savepoint=False):
            for start in range(0, len(rows), batch):
                AuditEvent.objects.bulk_create([
                    AuditEvent(actor=actor if getattr(actor, "pk", None) else None, action=action,
                               object_type=object_type, object_id=str(object_id), family_id=family_id,
                               ip_address=ctx.ip_address if ctx else None, detail=detail or {})
                    for object_id, family_id, detail in rows[start:start + batch]])
                written += len(rows[start:start + batch])
    except DatabaseError as exc:
        raise AuditUnavailable("The audit log could not be written.") from exc
    return written


def row_digest(prev_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        [
            prev_hash,
            event.seq,
            event.at.isoformat(),
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.family_id,
            event.person_id,
            event.ip_address,
            event.detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


DEFAULT_BATCH = 500


def _ensure_head() -> None:
    if AuditChainHead.objects.filter(pk=1).exists():
        return
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1)
    except IntegrityError:
        pass  # another sealer created it first


def _lock_head(wait: bool) -> AuditChainHead | None:
    """The chain's head, locked until the end of the transaction. On PostgreSQL a sealer that does not wait skips
    a head another sealer holds (SELECT ... FOR UPDATE SKIP LOCKED) and gets None. SQLite has no row locks: its
    transactions take the database's write lock when they begin (settings: transaction_mode IMMEDIATE), so a
    second sealer waits its turn there."""
    return AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def seal_batch(batch: int = DEFAULT_BATCH, *, wait: bool = False) -> int | None:
    """Seal up to `batch` committed, unsealed rows in one short transaction, and add them to the record-view
    summary. Returns how many were sealed, or None when another sealer holds the head (and `wait` is false).

    Rows are chained in the order this sealer finds them (id order among the rows committed so far), and each is
    given the next sequence number at sealing time: the sequence, not the id, orders the chain. A row whose
    transaction commits after rows with higher ids is simply unsealed until the next batch, then chained after
    them, so no row is ever passed over, however long its transaction ran."""
    _ensure_head()
    with transaction.atomic():
        head = _lock_head(wait)
        if head is None:
            return None
        pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
        if not pending:
            return 0
        updates = []
        for event in pending:
            event.seq = head.last_seq + 1
            event.prev_hash = head.last_hash
            event.hash = row_digest(head.last_hash, event)
            updates.append((event.seq, event.prev_hash, event.hash, event.id))
            head.last_seq, head.last_hash = event.seq, event.hash
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AuditEvent._meta.db_table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                "WHERE id = %s AND seq IS NULL", updates)
            if cursor.rowcount != len(updates):  # cannot happen while the head is held; never leave a gap
                raise DatabaseError("Audit rows changed while being sealed.")
        summary.add(pending)
        head.save(update_fields=["last_seq", "last_hash"])
    return len(pending)


def seal_pending(batch: int = DEFAULT_BATCH, *, wait: bool = True) -> int:
    """Seal every committed, unsealed row, a batch at a time. Returns how many were sealed. By default waits for a
    sealer that holds the head (as `hearth audit-verify` and tests want); with `wait=False` stops instead."""
    sealed = 0
    while True:
        done = seal_batch(batch, wait=wait)
        if done is None:
            return sealed
        sealed += done
        if done < batch:
            return sealed


@dataclass
class VerifyResult:
    checked: int
    first_broken_id: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> VerifyResult:
    """Walk the chain in order; name the first row whose content or link does not match.

    The head is read first and the walk stops at its sequence number: rows sealed while the walk runs (the sealer
    works beside it) are left for the next check rather than taken for rows beyond the end of the chain."""
    prev_hash = ""
    expected_seq = 1
    checked = 0
    head = AuditChainHead.objects.filter(pk=1).first()
    rows = AuditEvent.objects.filter(seq__isnull=False)
    if head is not None:
        rows = rows.filter(seq__lte=head.last_seq)
    rows = rows.order_by("seq").iterator(chunk_size=2000)
    for event in rows:
        if event.seq != expected_seq:
            return VerifyResult(checked, event.id, f"row(s) missing before sequence {event.seq}")
        if event.prev_hash != prev_hash or row_digest(prev_hash, event) != event.hash:
            return VerifyResult(checked, event.id, "content or link does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    if head and head.last_seq != expected_seq - 1:
        return VerifyResult(checked, None if head.last_seq < expected_seq - 1 else -1, "rows missing at the end")
    return VerifyResult(checked, None)


__all__ = ["AuditAction", "AuditUnavailable", "record", "seal_batch", "seal_pending", "verify_chain"]
