"""Case notes: what happened with the family (a visit, a call, a meeting), dated, by whom, and whether it is
significant for the chronology. Notes are added by anyone who may change the family and corrected only by their
author, never silently over someone else's change."""

from datetime import date

from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import CaseNote, NoteType
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


def note_update(*, actor, note: CaseNote, version: int, summary: str, body: str, significant: bool,
                note_type: str, occurred_on: date | None) -> CaseNote:
    policy.require_edit_family(actor, note.family)
    if note.author_id != actor.pk:
        raise NotPermitted("Only the author of a note can change it. Add a new note instead.",
                           object_type="cases.casenote", object_id=note.pk)
    errors = {}
    if not summary.strip():
        errors["summary"] = "Enter a short summary"
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = "Enter a date that is today or in the past"
    if note_type not in NoteType.values:
        errors["note_type"] = "Choose the type of note"
    if errors:
        raise ValidationFailed(errors)
    updated = CaseNote.objects.filter(pk=note.pk, version=version).update(
        summary=summary.strip(), body=body.strip(), significant=significant, note_type=note_type,
        occurred_on=occurred_on, version=version + 1, updated_at=timezone.now())
    if not updated:
        raise Conflict("This note was changed by someone else since you opened it. Your text is below: "
                       "copy it, then reload the note.")
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=note, family_id=note.family_id)
    note.refresh_from_db()
    return note
