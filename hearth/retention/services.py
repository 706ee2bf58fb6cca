"""Every write of retention and disposal: legal holds, and disposal runs (prepare, approve, run, cancel).

A disposal is done by two people: one prepares it (a dry run that counts what is due under each rule, and
what legal holds keep back), another approves it, then either runs it; or the scheduled job
(`run_due_disposals`, from `hearth disposal --run-due` in cron) runs every approved disposal whose as-of date
has come. The run works through the council's families a batch at a time, each batch in its own transaction,
checking again in that transaction that each family is due and not under a legal hold, and deletes the due
families' records irreversibly (see `hearth.retention.collector`). What was deleted is written on a
certificate that names no one. Audit rows are never deleted; each batch adds one with counts only.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import DomainError, NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.core.models import Council
from hearth.people.models import Family
from hearth.retention import collector, rules, sweep
from hearth.retention.models import DisposalCertificate, DisposalRun, LegalHold, RunStatus

logger = logging.getLogger(__name__)

BATCH = 200  # families read, judged and (when due) disposed of in one transaction

NOT_YOUR_COUNCIL = "You can manage retention only for your own council."
SAME_PERSON = "A disposal cannot be approved by the person who prepared it."


class DisposalRefused(DomainError):
    """A disposal cannot be prepared, approved or run as asked; the message says why."""


# Told after each chunk of families: how many it held, and the totals so far (counts only).
Progress = Callable[[int, sweep.Totals], None] | None


def _require_manager(actor, council: Council | None = None) -> Council:
    if not governance.can_manage_retention(actor):
        raise NotPermitted("Only the data protection officer can manage retention and disposal.")
    if council is not None and not governance.can_manage_retention(actor, council):
        raise NotPermitted(NOT_YOUR_COUNCIL)
    return council or actor.agency.council


def _lock_council(council: Council) -> None:
    """Placing a hold and disposing of a batch both lock the council's row, so a hold placed while a batch
    runs waits for it, and the next batch sees the hold (PostgreSQL; SQLite writes one at a time anyway)."""
    list(Council.objects.select_for_update().filter(pk=council.pk).values_list("pk", flat=True))


# -----------------------------------------------------------------------------------------------------------------
# Legal holds


def _clean_hold(name: str, reason: str, all_families: bool, family_ids: Iterable[int], council: Council):
    errors = {}
    name, reason = (name or "").strip(), (reason or "").strip()
    if not name:
        errors["name"] = "Enter a name for the hold, like Public inquiry"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if not reason:
        errors["reason"] = "Enter why the records must be kept"
    ids = sorted({int(i) for i in family_ids or ()})
    if all_families and ids:
        errors["family_ids"] = "Choose either every family of the council or the families listed, not both"
    elif not all_families and not ids:
        errors["family_ids"] = "Enter the record numbers of the families the hold covers"
    elif ids:
        known = set(Family.objects.filter(council=council, pk__in=ids).values_list("pk", flat=True))
        unknown = [str(i) for i in ids if i not in known]
        if unknown:
            errors["family_ids"] = (f"There is no family record numbered {', '.join(unknown[:10])}"
                                    f"{' and others' if len(unknown) > 10 else ''} in your council")
    if errors:
        raise ValidationFailed(errors)
    return name, reason, ids


@transaction.atomic
def legal_hold_place(*, actor, name: str, reason: str, all_families: bool = False,
                     family_ids: Iterable[int] = ()) -> LegalHold:
    """Place a legal hold on some families of the actor's council (by record number), or on all of them."""
    council = _require_manager(actor)
    name, reason, ids = _clean_hold(name, reason, all_families, family_ids, council)
    _lock_council(council)
    hold = LegalHold.objects.create(council=council, name=name, reason=reason, all_families=all_families,
                                    families_named=len(ids), placed_by=actor)
    if ids:
        through = LegalHold.families.through
        for chunk in collector.chunks(ids):
            through.objects.bulk_create([through(legalhold_id=hold.pk, family_id=i) for i in chunk])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=hold,
                 detail={"all_families": all_families, "families": len(ids)})
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold, reason: str, version: int | None = None) -> LegalHold:
    """Lift an active hold. The families it covered become due for disposal again when their rules say so."""
    _require_manager(actor, hold.council)
    fresh = locked(LegalHold.objects.all(), hold.pk, version=version,
                   conflict="Someone else changed this hold while you were looking at it. Check it and try again.")
    if not fresh.is_active:
        raise ValidationFailed({"reason": "This hold has already been lifted"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Enter why the hold is being lifted"})
    fresh.lifted_by, fresh.lifted_at, fresh.lift_reason = actor, timezone.now(), reason
    fresh.version += 1
    fresh.save(update_fields=["lifted_by", "lifted_at", "lift_reason", "version"])
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, detail={"lifted": True})
    return fresh


# -----------------------------------------------------------------------------------------------------------------
# Walking the council's families


def _walk(council: Council, rule_list: list[rules.Rule], as_of: date, *, totals: sweep.Totals, batch: int,
          progress: Progress, on_batch: Callable | None = None) -> sweep.Totals:
    """Judge every family of the council, a chunk at a time. With `on_batch`, each chunk is disposed of in its
    own transaction (judged again inside it); without, it is only counted."""
    for chunk in rules.family_id_chunks(council, batch, after=totals.last_family_id):
        if on_batch is None:
            verdicts = rules.judge_families(council, rule_list, chunk, as_of=as_of)
            due = sorted(pk for pk, v in verdicts.items() if v.state == rules.DUE)
            totals.add(verdicts.values(), sweep.dispose_families(council, rule_list, as_of, due, apply=False))
        else:
            with transaction.atomic():
                _lock_council(council)
                verdicts = rules.judge_families(council, rule_list, chunk, as_of=as_of)
                due = sorted(pk for pk, v in verdicts.items() if v.state == rules.DUE)
                part = sweep.dispose_families(council, rule_list, as_of, due, apply=True)
                totals.add(verdicts.values(), part)
                totals.last_family_id = chunk[-1]  # a resumed run starts after the last committed batch
                totals.batches += 1
                on_batch(due, part, totals)
        if on_batch is None:
            totals.last_family_id = chunk[-1]
        if progress:
            progress(len(chunk), totals)
    return totals


def family_count(council: Council) -> int:
    """How many families a walk goes through (for a progress bar)."""
    return Family.objects.filter(council=council).count()


def family_count_after(council: Council, after: int) -> int:
    """How many families a walk resumed after family `after` still has to go through."""
    return Family.objects.filter(council=council, pk__gt=after).count()


# -----------------------------------------------------------------------------------------------------------------
# Disposal runs


def disposal_start_count(*, actor, council: Council | None = None, as_of: date | None = None) -> DisposalRun:
    """Begin a dry run: a disposal counting what is due on `as_of` (today if not given) under the council's rules
    as they are now. `disposal_count` (the job `tasks.count_due`) does the counting. A date in the future is
    allowed, to see what will fall due, but such a run cannot be run before that date."""
    council = _require_manager(actor, council)
    as_of = as_of or timezone.localdate()
    rule_list = rules.council_rules(council)
    if not any(r.applied_by_disposal for r in rule_list):
        raise DisposalRefused("Your council's profile has no retention rules that disposal can apply.")
    with transaction.atomic():
        run = DisposalRun.objects.create(council=council, as_of=as_of, rules=[r.as_dict() for r in rule_list],
                                         status=RunStatus.COUNTING, prepared_by=actor)
        trail.record(actor=actor, action=AuditAction.ADMIN, obj=run, detail={"step": "counting"})
    return run


def disposal_count(run: DisposalRun, *, progress: Progress = None, batch: int = BATCH) -> DisposalRun:
    """The dry run itself: what is due under the run's rules, counted by rule, and how many families legal holds keep
    back. Nothing is deleted. Counting again from the start is harmless, so a stopped count simply starts over; the
    counts are kept once, when the run is still counting."""
    run = DisposalRun.objects.select_related("council", "prepared_by").get(pk=run.pk)
    if run.status != RunStatus.COUNTING:
        return run
    rule_list = rules.rules_from(run.rules)
    totals = _walk(run.council, rule_list, run.as_of, totals=sweep.Totals(), batch=batch, progress=progress)
    totals.add((), sweep.dispose_requests(run.council, rule_list, run.as_of, apply=False))
    counts = totals.as_json()
    counts.pop("last_family_id", None)
    counts.pop("batches", None)
    with transaction.atomic():
        fresh = DisposalRun.objects.select_for_update().get(pk=run.pk)
        if fresh.status != RunStatus.COUNTING:
            return fresh  # cancelled while counting, or counted already by an earlier attempt
        fresh.counts, fresh.status, fresh.prepared_at = counts, RunStatus.PREPARED, timezone.now()
        fresh.version = F("version") + 1
        fresh.save(update_fields=["counts", "status", "prepared_at", "version"])
        trail.record(actor=fresh.prepared_by, action=AuditAction.ADMIN, obj=fresh,
                     detail=_summary(counts, step="prepared"))
    fresh.refresh_from_db()
    return fresh


def disposal_prepare(*, actor, council: Council | None = None, as_of: date | None = None, progress: Progress = None,
                     batch: int = BATCH) -> DisposalRun:
    """Begin a dry run and count, in this process."""
    run = disposal_start_count(actor=actor, council=council, as_of=as_of)
    return disposal_count(run, progress=progress, batch=batch)


def _summary(counts: dict, *, step: str) -> dict:
    families = counts.get("families") or {}
    return {"step": step, "families_disposed": families.get("disposed", 0), "families_held": families.get("held", 0),
            "people": (counts.get("people") or {}).get("disposed", 0),
            "records": sum((counts.get("records") or {}).values())}


def _locked_run(run: DisposalRun, version: int | None) -> DisposalRun:
    return locked(DisposalRun.objects.all(), run.pk, version=version,
                  conflict="Someone else changed this disposal while you were looking at it. Check it and try again.")


@transaction.atomic
def disposal_approve(*, actor, run: DisposalRun, version: int | None = None) -> DisposalRun:
    """The second person's approval. Never the person who prepared it."""
    _require_manager(actor, run.council)
    fresh = _locked_run(run, version)
    if fresh.prepared_by_id == actor.pk:
        raise DisposalRefused(SAME_PERSON)
    if fresh.status != RunStatus.PREPARED:
        raise DisposalRefused(f"This disposal cannot be approved: it is {fresh.get_status_display().lower()}.")
    fresh.status, fresh.approved_by, fresh.approved_at = RunStatus.APPROVED, actor, timezone.now()
    fresh.version += 1
    fresh.save(update_fields=["status", "approved_by", "approved_at", "version"])
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=fresh, detail={"step": "approved"})
    return fresh


@transaction.atomic
def disposal_cancel(*, actor, run: DisposalRun, version: int | None = None) -> DisposalRun:
    """Cancel a disposal that has not started."""
    _require_manager(actor, run.council)
    fresh = _locked_run(run, version)
    if fresh.status not in (RunStatus.COUNTING, RunStatus.PREPARED, RunStatus.APPROVED):
        raise DisposalRefused(f"This disposal cannot be cancelled: it is {fresh.get_status_display().lower()}.")
    fresh.status, fresh.cancelled_by, fresh.cancelled_at = RunStatus.CANCELLED, actor, timezone.now()
    fresh.version += 1
    fresh.save(update_fields=["status", "cancelled_by", "cancelled_at", "version"])
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=fresh, detail={"step": "cancelled"})
    return fresh


def _claim(actor, run: DisposalRun, *, resume: bool, version: int | None) -> DisposalRun:
    with transaction.atomic():
        fresh = _locked_run(run, version)
        if fresh.status == RunStatus.RUNNING and resume:
            return fresh
        if fresh.status == RunStatus.RUNNING:
            raise DisposalRefused("This disposal is already running.")
        if fresh.status != RunStatus.APPROVED:
            raise DisposalRefused("A disposal must be approved by a second person before it is run."
                                  if fresh.status == RunStatus.PREPARED
                                  else f"This disposal cannot be run: it is {fresh.get_status_display().lower()}.")
        if fresh.as_of > timezone.localdate():
            raise DisposalRefused(f"This disposal is for records due on {fresh.as_of:%-d %B %Y}. It cannot be run "
                                  "before that date.")
        fresh.status, fresh.run_by, fresh.started_at = RunStatus.RUNNING, actor, timezone.now()
        fresh.results = {}
        fresh.version += 1
        fresh.save(update_fields=["status", "run_by", "started_at", "results", "version"])
        trail.record(actor=actor, action=AuditAction.ADMIN, obj=fresh, detail={"step": "started"})
        return fresh


def disposal_start(*, actor, run: DisposalRun, version: int | None = None, resume: bool = False) -> DisposalRun:
    """Mark an approved disposal running, by the actor, now (with `resume`, one running already is left as it is);
    the job `tasks.dispose` then runs it (`disposal_run(resume=True)`)."""
    _require_manager(actor, run.council)
    return _claim(actor, run, resume=resume, version=version)


def disposal_run(*, actor, run: DisposalRun, version: int | None = None, resume: bool = False,
                 progress: Progress = None, batch: int = BATCH) -> DisposalCertificate:
    """Run an approved disposal: delete, irreversibly, the records of every family due on the run's as-of date
    under the rules it was approved with, batch by batch, and issue its certificate. Families under a legal
    hold, or no longer due, at the moment their batch runs are left alone. `resume` continues a run that
    stopped part way (each finished batch is committed and remembered)."""
    council = _require_manager(actor, run.council)
    run = _claim(actor, run, resume=resume, version=version)
    rule_list = rules.rules_from(run.rules)
    totals = sweep.Totals.from_json(run.results)

    def on_batch(due: list[int], part: sweep.Part, running: sweep.Totals) -> None:
        DisposalRun.objects.filter(pk=run.pk).update(results=running.as_json())
        if due:
            trail.record(actor=actor, action=AuditAction.ADMIN, obj=run,
                         detail={"step": "batch", "batch": running.batches, "families": len(due),
                                 "people": part.people, "records": sum(part.records.values())})

    _walk(council, rule_list, run.as_of, totals=totals, batch=batch, progress=progress, on_batch=on_batch)
    with transaction.atomic():
        _lock_council(council)
        part = sweep.dispose_requests(council, rule_list, run.as_of, apply=True)
        totals.add((), part)
        if part.records:
            trail.record(actor=actor, action=AuditAction.ADMIN, obj=run,
                         detail={"step": "requests", "people": part.people, "records": sum(part.records.values())})
    return _complete(actor, run, totals, rule_list)


def _certificate_lines(totals: sweep.Totals, rule_list: list[rules.Rule], as_of: date) -> list[dict]:
    by_type = totals.by_record_type()
    with_family = f"With the family, once every rule for its records was due by {as_of:%-d %B %Y}"
    lines = [
        {"record_type": "families", "label": "Families", "count": totals.states.get(rules.DUE, 0),
         "rule": with_family},
        {"record_type": "people", "label": "People who belonged to no family that is kept",
         "count": totals.people_disposed, "rule": with_family},
    ]
    for rule in rule_list:
        if not rule.applied_by_disposal or not rules.has_own_records(rule.record_type):
            continue
        lines.append({"record_type": rule.record_type, "label": rule.label,
                      "count": by_type.get(rule.record_type, 0), "rule": rule.period})
    named = {r.record_type for r in rule_list}
    for kind, n in sorted(by_type.items()):
        if kind not in named:
            lines.append({"record_type": kind, "label": rules.record_type_label(kind), "count": n,
                          "rule": with_family})
    return lines


@transaction.atomic
def _complete(actor, run: DisposalRun, totals: sweep.Totals, rule_list: list[rules.Rule]) -> DisposalCertificate:
    fresh = DisposalRun.objects.select_for_update().get(pk=run.pk)
    now = timezone.now()
    results = totals.as_json()
    fresh.status, fresh.completed_at, fresh.results = RunStatus.COMPLETED, now, results
    fresh.version = F("version") + 1
    fresh.save(update_fields=["status", "completed_at", "results", "version"])
    fresh.refresh_from_db()
    certificate = DisposalCertificate.objects.create(
        run=fresh, council=fresh.council, as_of=fresh.as_of,
        lines=_certificate_lines(totals, rule_list, fresh.as_of),
        totals={"families": totals.states.get(rules.DUE, 0), "people": totals.people_disposed,
                "records": sum(totals.records.values()), "families_held": totals.states.get(rules.HELD, 0),
                "people_kept": totals.people_kept},
        prepared_by_name=fresh.prepared_by.full_name, prepared_at=fresh.prepared_at,
        approved_by_name=fresh.approved_by.full_name, approved_at=fresh.approved_at,
        run_by_name=actor.full_name, started_at=fresh.started_at, completed_at=now,
    )
    trail.record(actor=actor, action=AuditAction.ADMIN, obj=fresh, detail=_summary(results, step="completed"))
    return certificate


def due_runs() -> list[DisposalRun]:
    """The approved disposals whose as-of date has come, oldest approval first."""
    return list(DisposalRun.objects.filter(status=RunStatus.APPROVED, as_of__lte=timezone.localdate())
                .select_related("approved_by__agency", "council").order_by("approved_at", "pk"))


def run_due_disposals() -> list[DisposalCertificate]:
    """Run, in this process, every approved disposal whose as-of date has come, on the authority of the person who
    approved it; a disposal that cannot run (its approver no longer a data protection officer, say) is logged and
    left approved. The worker's nightly schedule (`tasks.run_due`) and `hearth disposal --run-due` do the same
    through the jobs, with their progress shown."""
    certificates = []
    for run in due_runs():
        try:
            certificates.append(disposal_run(actor=run.approved_by, run=run))
        except DomainError as exc:
            logger.warning("Disposal run %s was not run: %s", run.pk, exc.message)
    return certificates
