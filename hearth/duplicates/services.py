"""Keeping a run's pairs, and the data protection officer's decision on a pair.

A new run replaces the pairs still waiting from the council's earlier runs. A pair already decided is not offered
again: one confirmed or merged never, one rejected ("not the same person") only when the new run weighs it at least
RISE higher than when it was rejected (twice the odds or more: the records have changed since, or the model has),
so a rejection is not undone by the small changes each run's learning makes.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus, RunStatus
from hearth.people.models import Person

RISE = 1.0  # match weight (bits)
BATCH = 1_000


@dataclass(frozen=True)
class Saved:
    pairs: int
    replaced: int
    not_offered_again: int


@transaction.atomic
def save_run(run: DuplicateRun, pairs, *, people: int, trained: dict, notes: list[str] = ()) -> Saved:
    """Keep the run's pairs (`batch.Pair`, best first) as the council's queue, and finish the run, with what it could
    not use in plain English (`notes`)."""
    council_id = run.council_id
    replaced, _ = (DuplicatePair.objects.filter(council_id=council_id, status=PairStatus.WAITING)
                   .exclude(run=run).delete())
    rejected = _rejected_weights(council_id)
    settled = set(DuplicatePair.objects.filter(council_id=council_id,
                                               status__in=[PairStatus.CONFIRMED, PairStatus.MERGED])
                  .values_list("person_a", "person_b").iterator())
    ids = {i for p in pairs for i in (p.a, p.b)}
    present = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        present.update(Person.objects.filter(pk__in=ordered[start:start + BATCH], council_id=council_id,
                                             erased_at__isnull=True).values_list("pk", flat=True))
    kept, skipped = [], 0
    for p in pairs:
        key = (p.a, p.b)
        if p.a not in present or p.b not in present:
            continue
        if key in settled or (key in rejected and p.match_weight < rejected[key] + RISE):
            skipped += 1
            continue
        kept.append(DuplicatePair(run=run, council_id=council_id, person_a_id=p.a, person_b_id=p.b,
                                  match_weight=round(p.match_weight, 4), probability=p.probability,
                                  evidence=p.evidence))
    DuplicatePair.objects.bulk_create(kept, batch_size=BATCH)
    run.people, run.pairs, run.trained_model, run.notes = people, len(kept), trained, list(notes)
    run.status, run.finished_at = RunStatus.FINISHED, timezone.now()
    run.save(update_fields=["people", "pairs", "trained_model", "notes", "status", "finished_at"])
    return Saved(len(kept), replaced, skipped)


def refuse_run(run: DuplicateRun, *, people: int, notes: list[str]) -> DuplicateRun:
    """The run cannot be made (a detail the model needs is missing for everyone): it ends without pairs, saying why
    in plain English, and the pairs already waiting stay as they are."""
    run.people, run.pairs, run.notes = people, 0, list(notes)
    run.status, run.finished_at = RunStatus.REFUSED, timezone.now()
    run.save(update_fields=["people", "pairs", "notes", "status", "finished_at"])
    return run


def _rejected_weights(council_id: int) -> dict[tuple[int, int], float]:
    """Each rejected pair's highest weight when it was rejected."""
    rows = (DuplicatePair.objects.filter(council_id=council_id, status=PairStatus.REJECTED)
            .values("person_a", "person_b").annotate(weight=Max("match_weight")).order_by())
    return {(r["person_a"], r["person_b"]): r["weight"] for r in rows}


@transaction.atomic
def pair_reject(*, actor, pair: DuplicatePair, reason: str) -> DuplicatePair:
    """The officer decides the two records are not the same person, with their reason: recorded with who and when,
    and audited (the reason is not copied into the audit log: it may name people)."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if not governance.can_do_governance(actor, pair.council_id):
        raise NotPermitted("Only the council's data protection officer can decide on people recorded twice.",
                           object_type="duplicates.duplicatepair", object_id=pair.pk)
    if pair.status != PairStatus.WAITING:
        raise Conflict(f"This pair has already been decided: {pair.get_status_display().lower()}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Enter why they are not the same person"})
    pair.status, pair.decided_by, pair.decided_at, pair.reason = (PairStatus.REJECTED, actor, timezone.now(),
                                                                   reason)
    pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=pair,
                 detail={"status": PairStatus.REJECTED, "people": [pair.person_a_id, pair.person_b_id]})
    return pair
