"""Writing and sealing the audit log.

`record` is called by services and selectors inside the request's transaction, so the audit row and
the data it covers commit together; if the row cannot be written, AuditUnavailable is raised and the
data is not returned. Sealing (hash chaining) happens in its own short transaction after commit so
that requests do not queue on the chain's head while they render.
"""

import contextvars
import hashlib
import json
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from hearth.governance.models import AuditAction, AuditChainHead, AuditEvent


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
        with transaction.atomic():
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
    transaction.on_commit(_seal_quietly)
    return event


def _seal_quietly() -> None:
    try:
        seal_pending()
    except DatabaseError:
        # Unsealed rows are sealed by the next request or by `hearth audit-verify`.
        pass


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


def seal_pending(batch: int = 500) -> int:
    """Chain every committed, unsealed row, in id order. Returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            for event in pending:
                event.seq = head.last_seq + 1
                event.prev_hash = head.last_hash
                event.hash = row_digest(head.last_hash, event)
                event._sealing = True
                event.save(update_fields=["seq", "prev_hash", "hash"])
                head.last_seq, head.last_hash = event.seq, event.hash
            head.save()
        sealed += len(pending)
        if len(pending) < batch:
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
    """Walk the chain in order; name the first row whose content or link does not match."""
    prev_hash = ""
    expected_seq = 1
    checked = 0
    rows = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)
    for event in rows:
        if event.seq != expected_seq:
            return VerifyResult(checked, event.id, f"row(s) missing before sequence {event.seq}")
        if event.prev_hash != prev_hash or row_digest(prev_hash, event) != event.hash:
            return VerifyResult(checked, event.id, "content or link does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq != expected_seq - 1:
        return VerifyResult(checked, None if head.last_seq < expected_seq - 1 else -1, "rows missing at the end")
    return VerifyResult(checked, None)


__all__ = ["AuditAction", "AuditUnavailable", "record", "seal_pending", "verify_chain"]
