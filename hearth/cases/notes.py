"""Case notes: what happened with the family (a visit, a call, a meeting), dated, by whom, and whether it is
significant for the chronology. Notes are added by anyone who may change the family. A note is corrected or
withdrawn, with a reason, by its author or by whoever may manage the family's episode (the lead professional, the
locality's Early Help coordinator, the lead's manager); its earlier wording is kept (`CaseNoteRevision`), and
never silently over someone else's change."""

from datetime import date

from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import CaseNote, CaseNoteRevision, NoteType
from hearth.cases.services import open_episode_for
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed


def note_add(*, actor, family, note_type: str, occurred_on: date | None, summary: str, body: str = "",
             significant: bool = False) -> CaseNote:
    policy.require_edit_family(actor, family)
    errors = {}
    if note_type not in NoteType.values:
        errors["note_type"] = "Choose the type of note"
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
    if not summary.strip():
        errors["summary"] = "Enter a short summary"
    elif len(summary.strip()) > 200:
        errors["summary"] = "The summary must be 200 characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    note = CaseNote.objects.create(family=family, episode=open_episode_for(family), note_type=note_type,
                                   occurred_on=occurred_on, summary=summary.strip(), body=body.strip(),
                                   significant=significant, author=actor)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=note, family_id=family.pk)
    return note


REASON_MAX = 1_000
WHO_MAY = ("Only the author of a note, the lead professional, the locality's Early Help coordinator or the lead's "
           "manager can correct or withdraw it. Add a new note instead.")
CHANGED = ("This note was changed by someone else since you opened it. Your text is below: copy it, then reload "
           "the note.")


def _episode_of(note: CaseNote):
    return note.episode if note.episode_id else open_episode_for(note.family)


def may_correct_note(user, note: CaseNote) -> bool:
    """The note's author, or whoever may manage the family's episode, where they may change the family."""
    if not policy.can_edit_family(user, note.family):
        return False
    if note.author_id is not None and note.author_id == user.pk:
        return True
    episode = _episode_of(note)
    return episode is not None and policy.can_manage_episode(user, episode)


def _require_may_correct(actor, note: CaseNote) -> None:
    policy.require_edit_family(actor, note.family)
    if not may_correct_note(actor, note):
        raise NotPermitted(WHO_MAY, object_type="cases.casenote", object_id=note.pk)


def _reason(reason: str, errors: dict, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = f"Give the reason for {what}"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX:,} characters or fewer"
    return reason


def note_update(*, actor, note: CaseNote, version: int, summary: str, body: str, significant: bool,
                note_type: str, occurred_on: date | None, reason: str = "") -> CaseNote:
    """Correct a note, with a reason; the wording it had is kept with who corrected it, when and why."""
    _require_may_correct(actor, note)
    errors = {}
    if not summary.strip():
        errors["summary"] = "Enter a short summary"
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = "Enter a date that is today or in the past"
    if note_type not in NoteType.values:
        errors["note_type"] = "Choose the type of note"
    reason = _reason(reason, errors, what="the correction")
    if errors:
        raise ValidationFailed(errors)
    fresh = CaseNote.objects.filter(pk=note.pk, version=version).first()
    if fresh is None:
        raise Conflict(CHANGED)
    updated = CaseNote.objects.filter(pk=note.pk, version=version).update(
        summary=summary.strip(), body=body.strip(), significant=significant, note_type=note_type,
        occurred_on=occurred_on, version=version + 1, updated_at=timezone.now())
    if not updated:
        raise Conflict(CHANGED)
    CaseNoteRevision.objects.create(note=note, summary=fresh.summary, body=fresh.body, reason=reason, made_by=actor)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=note, family_id=note.family_id,
                 detail={"corrected": True})
    note.refresh_from_db()
    return note


def note_withdraw(*, actor, note: CaseNote, version: int, reason: str) -> CaseNote:
    """Withdraw a note written in error (the wrong family, a visit that did not happen): kept with the reason and
    shown as withdrawn; left out of the notes, the chronology and new copies."""
    _require_may_correct(actor, note)
    errors: dict[str, str] = {}
    reason = _reason(reason, errors, what="withdrawing it")
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    updated = CaseNote.objects.filter(pk=note.pk, version=version).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawn_reason=reason, version=version + 1, updated_at=now)
    if not updated:
        raise Conflict(CHANGED)
    CaseNoteRevision.objects.create(note=note, withdrawn=True, summary=note.summary, body=note.body, reason=reason,
                                    made_by=actor, made_at=now)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=note, family_id=note.family_id,
                 detail={"withdrawn": True})
    return CaseNote.all_objects.get(pk=note.pk)
