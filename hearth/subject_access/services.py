"""Every write of a subject access request: recording it, checking identity, extending, withholding, releasing,
closing. Only the data protection officer of the request's council may do any of it
(`governance.can_do_governance`).

The due date is `due_date(received_on, extension_months)`, set when the request is recorded; it moves only when an
extension is recorded (`sar_extend`), once, by one or two months, and never earlier.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.jobs import queue
from hearth.jobs import selectors as job_selectors
from hearth.subject_access import compile as compiler
from hearth.subject_access import tasks
from hearth.subject_access.bundle import Bundle
from hearth.subject_access.models import (
    DUE_DATE_MESSAGE,
    ReleasedBundle,
    RequesterRelationship,
    SarStatus,
    SubjectAccessRequest,
    VerificationMethod,
    Withholding,
    WithholdingReason,
    add_months,
    due_date,
)

__all__ = ["due_date", "add_months"]

NOT_VERIFIED = "The requester's identity has not been verified"
NOT_OPEN = "This request is no longer open, so it cannot be changed"
EDITABLE = ("requester_name", "requester_relationship", "on_behalf_of", "requester_contact")
ADULT_AGE = 18


def _require_dpo(actor, council) -> None:
    if not governance.can_do_governance(actor, council):
        raise NotPermitted("Only the council's data protection officer can work on subject access requests.",
                           object_type="subject_access.subjectaccessrequest")


def _lock(sar: SubjectAccessRequest, version: int | None) -> SubjectAccessRequest:
    return locked(SubjectAccessRequest.objects.select_related("council", "subject"), sar.pk, version=version,
                  what="this request")


def _require_open(sar: SubjectAccessRequest) -> None:
    if sar.status != SarStatus.OPEN:
        raise DomainError(NOT_OPEN, code="not_open")


def _age_on(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _check_requester(errors: dict, *, subject, name: str, relationship: str, on_behalf_of: str, on: date) -> None:
    if not name:
        errors["requester_name"] = "Enter the name of the person asking"
    elif len(name) > 200:
        errors["requester_name"] = "Enter the name in 200 characters or fewer"
    if relationship not in RequesterRelationship.values:
        errors["requester_relationship"] = "Choose who is asking"
        return
    age = _age_on(subject.date_of_birth, on)
    if relationship == RequesterRelationship.PARENT and age is not None and age >= ADULT_AGE:
        errors["requester_relationship"] = (f"{subject.full_name} is an adult: a parent cannot ask for their "
                                            "information. Choose a representative acting with their authority")
    if relationship == RequesterRelationship.YOUNG_PERSON and age is not None and age >= ADULT_AGE:
        errors["requester_relationship"] = f"{subject.full_name} is an adult: choose the person themselves"
    if relationship == RequesterRelationship.SELF and age is not None and age < ADULT_AGE:
        errors["requester_relationship"] = (f"{subject.full_name} is under 18: choose a young person, for "
                                            "themselves, or a parent or carer")
    if relationship in (RequesterRelationship.PARENT, RequesterRelationship.REPRESENTATIVE) and not on_behalf_of:
        errors["on_behalf_of"] = "Say on whose behalf the request is made, and how the requester may act for them"
    if len(on_behalf_of) > 300:
        errors["on_behalf_of"] = "Say on whose behalf the request is made in 300 characters or fewer"


def _reference(sar: SubjectAccessRequest) -> str:
    return f"SAR-{sar.received_on:%Y}-{sar.pk:05d}"


def sar_create(*, actor, subject, requester_name: str, requester_relationship: str, received_on: date | None,
               on_behalf_of: str = "", requester_contact: str = "") -> SubjectAccessRequest:
    """Record a request for the information held about `subject`, received on `received_on` (today or earlier)."""
    _require_dpo(actor, subject.council_id)
    requester_name, on_behalf_of = (requester_name or "").strip(), (on_behalf_of or "").strip()
    requester_contact = (requester_contact or "").strip()
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received"
    elif received_on > today:
        errors["received_on"] = "The date the request was received must be today or in the past"
    _check_requester(errors, subject=subject, name=requester_name, relationship=requester_relationship,
                     on_behalf_of=on_behalf_of, on=received_on or today)
    if errors:
        raise ValidationFailed(errors)
    sar = SubjectAccessRequest(
        council_id=subject.council_id, subject=subject, requester_name=requester_name,
        requester_relationship=requester_relationship, on_behalf_of=on_behalf_of,
        requester_contact=requester_contact, received_on=received_on, due_on=due_date(received_on),
        reference=f"new-{timezone.now().timestamp()}-{actor.pk}"[:30], created_by=actor)
    sar.save()
    sar.reference = _reference(sar)
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(reference=sar.reference)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=sar, person_id=subject.pk,
                 detail={"received_on": received_on.isoformat(), "due_on": sar.due_on.isoformat()})
    return sar


def sar_update(*, actor, sar: SubjectAccessRequest, version: int, changes: dict) -> SubjectAccessRequest:
    """Correct who is asking and where the copy goes. The dates cannot be changed here: the due date moves only by
    recording an extension (`sar_extend`)."""
    _require_dpo(actor, sar.council_id)
    if "due_on" in changes or "extension_months" in changes:
        raise ValidationFailed({"due_on": DUE_DATE_MESSAGE})
    if "received_on" in changes:
        raise ValidationFailed({"received_on": "The date received cannot be changed, because the due date depends "
                                               f"on it. {DUE_DATE_MESSAGE}"})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"These details cannot be changed here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        sar = _lock(sar, version)
        _require_open(sar)
        values = {k: (changes.get(k, getattr(sar, k)) or "").strip() for k in EDITABLE}
        errors: dict[str, str] = {}
        _check_requester(errors, subject=sar.subject, name=values["requester_name"],
                         relationship=values["requester_relationship"], on_behalf_of=values["on_behalf_of"],
                         on=sar.received_on)
        if errors:
            raise ValidationFailed(errors)
        changed = sorted(k for k in EDITABLE if values[k] != getattr(sar, k))
        for k in EDITABLE:
            setattr(sar, k, values[k])
        sar.version += 1
        sar.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"changed": changed})
    return sar


def sar_verify(*, actor, sar: SubjectAccessRequest, version: int, method: str, note: str = "") -> SubjectAccessRequest:
    """Record how the requester's identity (and, for someone acting for another, their authority) was checked."""
    _require_dpo(actor, sar.council_id)
    note = (note or "").strip()
    errors = {}
    if method not in VerificationMethod.values:
        errors["method"] = "Choose how the requester's identity was checked"
    elif method == VerificationMethod.OTHER and not note:
        errors["note"] = "Describe how the requester's identity was checked"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        sar = _lock(sar, version)
        _require_open(sar)
        if sar.is_verified:
            raise ValidationFailed({"method": "The requester's identity has already been verified, on "
                                              f"{sar.verified_at:%-d %B %Y}"})
        sar.verification_method, sar.verification_note = method, note
        sar.verified_by, sar.verified_at = actor, timezone.now()
        sar.version += 1
        sar.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"verified": method})
    return sar


def sar_extend(*, actor, sar: SubjectAccessRequest, version: int, months: int | None, reason: str,
               today: date | None = None) -> SubjectAccessRequest:
    """Extend the deadline by one or two further months (counted from the date of receipt), with the reason. Only
    once, and only before the original due date passes (the requester must be told within the first month)."""
    _require_dpo(actor, sar.council_id)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    errors = {}
    if months not in (1, 2):
        errors["months"] = "Choose an extension of 1 or 2 months"
    if not reason:
        errors["reason"] = "Say why more time is needed (for example, the request is complex)"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        sar = _lock(sar, version)
        _require_open(sar)
        if sar.is_extended:
            raise ValidationFailed({"months": f"The deadline has already been extended, on "
                                              f"{sar.extended_at:%-d %B %Y}. It can only be extended once"})
        if today > sar.due_on:
            raise ValidationFailed({"months": f"The deadline can only be extended before it passes: it was "
                                              f"{sar.due_on:%-d %B %Y}"})
        new_due = due_date(sar.received_on, months)
        if new_due <= sar.due_on:  # never happens by the rule above; a safeguard that an extension never shortens
            raise ValidationFailed({"months": DUE_DATE_MESSAGE})
        sar.extension_months, sar.extension_reason, sar.due_on = months, reason, new_due
        sar.extended_by, sar.extended_at = actor, timezone.now()
        sar.version += 1
        sar.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"extension_months": months, "due_on": new_due.isoformat()})
    return sar


def sar_close(*, actor, sar: SubjectAccessRequest, version: int, outcome: str, reason: str) -> SubjectAccessRequest:
    """Close an open request without releasing anything: withdrawn by the requester, or closed (with the reason)."""
    _require_dpo(actor, sar.council_id)
    reason = (reason or "").strip()
    errors = {}
    if outcome not in (SarStatus.WITHDRAWN, SarStatus.CLOSED):
        errors["outcome"] = "Choose whether the request was withdrawn or is being closed"
    if not reason:
        errors["reason"] = "Say why the request is ending"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        sar = _lock(sar, version)
        _require_open(sar)
        sar.status, sar.close_reason = outcome, reason
        sar.closed_by, sar.closed_at = actor, timezone.now()
        sar.version += 1
        sar.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"status": outcome})
    return sar


# ---------------------------------------------------------------------------------------------------------
# Withholding


def withholding_add(*, actor, sar: SubjectAccessRequest, item_key: str, reason: str, note: str = "",
                    bundle: Bundle | None = None) -> Withholding:
    """Withhold one compiled item, or one field of it, from the release, with the reason. `bundle` (the compiled
    bundle the officer was looking at) saves compiling it again to check the key."""
    _require_dpo(actor, sar.council_id)
    _require_open(sar)  # checked again under the request's lock below, so a release cannot miss it
    item_key, note = (item_key or "").strip(), (note or "").strip()
    errors = {}
    if reason not in WithholdingReason.values:
        errors["reason"] = "Choose why this is being withheld"
    elif reason == WithholdingReason.OTHER_EXEMPTION and not note:
        errors["note"] = "Say which exemption applies, and why"
    bundle = bundle if bundle is not None and bundle.sar.pk == sar.pk else compiler.compile_bundle(sar)
    if item_key not in bundle.known_keys:
        errors["item_key"] = "Choose what to withhold"
    if errors:
        raise ValidationFailed(errors)
    item_of = item_key.split("/", 1)[0]
    existing = {w.item_key for w in Withholding.objects.filter(sar=sar)}
    if item_key in existing:
        raise Conflict("This is already withheld.")
    if item_of != item_key and item_of in existing:
        raise Conflict("The whole of this item is already withheld.")
    try:
        with transaction.atomic():
            _require_open(_lock(sar, None))
            withholding = Withholding.objects.create(sar=sar, item_key=item_key, reason=reason, note=note,
                                                     withheld_by=actor)
    except IntegrityError as exc:
        raise Conflict("This is already withheld.") from exc
    trail.record(actor=actor, action=AuditAction.CREATE, obj=withholding, person_id=sar.subject_id,
                 detail={"sar": sar.pk, "item": item_key, "reason": reason})
    return withholding


def withholding_remove(*, actor, sar: SubjectAccessRequest, withholding: Withholding) -> None:
    """Release an item after all (while the request is open)."""
    _require_dpo(actor, sar.council_id)
    if withholding.sar_id != sar.pk:
        raise NotPermitted(object_type="subject_access.withholding", object_id=withholding.pk)
    key, pk = withholding.item_key, withholding.pk
    with transaction.atomic():
        _require_open(_lock(sar, None))
        withholding.delete()
    trail.record(actor=actor, action=AuditAction.DELETE, object_type="subject_access.withholding", object_id=pk,
                 person_id=sar.subject_id, detail={"sar": sar.pk, "item": key})


# ---------------------------------------------------------------------------------------------------------
# Release


def sar_release(*, actor, sar: SubjectAccessRequest, version: int) -> str:
    """Release the bundle: mark the request released (by the actor, now) and queue the job that compiles everything
    held, removes what is withheld, makes and keeps the tagged PDF and the JSON export, and records the release in
    each of the subject's families' information-sharing registers and an EXPORT in the audit log
    (`tasks.prepare_bundle`). Refused while the requester's identity is unverified. Returns the job's id: its page
    shows how far it has got."""
    _require_dpo(actor, sar.council_id)
    with transaction.atomic():
        sar = _lock(sar, version)
        _require_open(sar)
        if not sar.is_verified:
            raise ValidationFailed({"verification": NOT_VERIFIED})
        sar.status, sar.released_at, sar.released_by = SarStatus.RELEASED, timezone.now(), actor
        sar.version += 1
        sar.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"status": SarStatus.RELEASED})
        return _prepare(actor, sar)


def _prepare(actor, sar: SubjectAccessRequest) -> str:
    return queue.start(tasks.prepare_bundle, sar.pk, owner=actor, about=tasks.about(sar.pk),
                       title=f"Prepare the bundle for subject access request {sar.reference}",
                       result_url=reverse("subject_access:workbench", kwargs={"sar_id": sar.pk}))


def sar_prepare_again(*, actor, sar: SubjectAccessRequest) -> str:
    """Queue the bundle's preparation again after it failed (a released request whose bundle is not kept)."""
    _require_dpo(actor, sar.council_id)
    with transaction.atomic():
        sar = _lock(sar, None)
        if sar.status != SarStatus.RELEASED or ReleasedBundle.objects.filter(sar=sar).exists():
            raise Conflict("The bundle is ready already, or this request was not released.")
        job = job_selectors.latest_about(tasks.about(sar.pk))
        if job is not None and not job["failed"]:
            raise Conflict("The bundle is being prepared already.")
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=sar, person_id=sar.subject_id,
                     detail={"prepare_again": True})
        return _prepare(actor, sar)
