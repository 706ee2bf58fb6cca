"""Correcting and withdrawing what a practitioner added to the plan: desired outcomes, actions and meeting records.

- Who: someone the access policy lets change the family, who added the item (or recorded the meeting), or who may
  manage the episode (its lead professional, the locality's Early Help coordinator, the lead's manager).
- A correction keeps the wording it replaces, with who, when and why (`Correction`); a withdrawal needs a reason,
  keeps the item (marked withdrawn, so left out of the live plan, the review form and new copies) and its history.
- Every change is taken from the version its form was built from (`core.locking`): a stale form is refused.
- What was already sent (meeting notes emailed, copies made) is not touched: those are kept as they were sent.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.plans.models import (
    Action,
    Correction,
    CorrectionChange,
    CorrectionKind,
    Meeting,
    OutcomeStatus,
    PlanOutcome,
)
from hearth.plans.services import require_open

REASON_MAX = 1_000
WHO_MAY = ("Only the person who added it, the lead professional, the locality's Early Help coordinator or the lead's "
           "manager can correct or withdraw it")
GONE = "This {what} has been withdrawn, so it can no longer be changed."
STALE = ("Someone else changed this {what} while you were working on it. Your changes have not been saved: check "
         "the latest details and make your changes again.")


def may_correct(user, episode, added_by_id: int | None) -> bool:
    """Whether `user` may correct or withdraw an item of the episode's plan added by `added_by_id`."""
    if not policy.can_edit_family(user, episode.family):
        return False
    return (added_by_id is not None and added_by_id == user.pk) or policy.can_manage_episode(user, episode)


def _require_may_correct(actor, episode, added_by_id, *, object_type: str, object_id: int) -> None:
    policy.require_edit_family(actor, episode.family)
    if not may_correct(actor, episode, added_by_id):
        raise NotPermitted(f"{WHO_MAY}.", object_type=object_type, object_id=object_id)


def reason_given(reason: str, errors: dict, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = f"Give the reason for {what}"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX:,} characters or fewer"
    return reason


def _lock(model, pk: int, version: int, *, what: str):
    """The item, locked, from the version its form was built from; refused if changed or withdrawn meanwhile."""
    fresh = locked(model.all_objects.all(), pk)
    if fresh.is_withdrawn:
        raise Conflict(GONE.format(what=what))
    if fresh.version != version:
        raise Conflict(STALE.format(what=what))
    return fresh


def _keep(*, actor, episode, kind: str, obj, change: str, earlier: list, reason: str) -> Correction:
    return Correction.objects.create(episode=episode, kind=kind, object_id=obj.pk, change=change, earlier=earlier,
                                     reason=reason, made_by=actor, made_at=timezone.now())


# --- desired outcomes --------------------------------------------------------------------------------------------


def _area_name(council, code: str) -> str:
    return next((a["name"] for a in council.outcome_areas or [] if a["code"] == code), code)


def outcome_correct(*, actor, outcome: PlanOutcome, version: int, description: str, area: str, status: str,
                    reason: str = "") -> PlanOutcome:
    """Correct an outcome's wording or area (with a reason, keeping the earlier wording), or record how it ended
    (achieved, not achieved, no longer needed: no reason needed)."""
    episode = outcome.episode
    family = episode.family
    _require_may_correct(actor, episode, outcome.created_by_id, object_type="plans.planoutcome",
                         object_id=outcome.pk)
    require_open(episode)
    errors: dict[str, str] = {}
    description = (description or "").strip()
    area = area or ""
    if not description:
        errors["description"] = "Describe what the family wants to achieve"
    elif len(description) > 300:
        errors["description"] = "The outcome must be 300 characters or fewer"
    if area and area not in {a["code"] for a in family.council.outcome_areas or []}:
        errors["area"] = "Choose one of the council's outcome areas"
    if status not in OutcomeStatus.values:
        errors["status"] = "Choose whether the family is still working towards this outcome"
    reworded = description != outcome.description or area != outcome.area
    reason = (reason or "").strip()
    if reworded:
        reason = reason_given(reason, errors, what="the correction")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        fresh = _lock(PlanOutcome, outcome.pk, version, what="outcome")
        if reworded:
            earlier = [["What the family wants to achieve", fresh.description]]
            if area != fresh.area:
                earlier.append(["Outcome area", _area_name(family.council, fresh.area) or "No particular area"])
            _keep(actor=actor, episode=episode, kind=CorrectionKind.OUTCOME, obj=fresh,
                  change=CorrectionChange.CORRECTED, earlier=earlier, reason=reason)
        status_changed = status != fresh.status
        PlanOutcome.objects.filter(pk=fresh.pk).update(description=description, area=area, status=status,
                                                       version=fresh.version + 1)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=family.pk,
                     detail={"corrected": reworded, "status": status if status_changed else None})
    return PlanOutcome.objects.get(pk=outcome.pk)


def outcome_withdraw(*, actor, outcome: PlanOutcome, version: int, reason: str) -> PlanOutcome:
    """Withdraw an outcome added by mistake: kept with the reason, left out of the live plan. Its actions that are
    still standing are withdrawn with it, for the same reason."""
    episode = outcome.episode
    _require_may_correct(actor, episode, outcome.created_by_id, object_type="plans.planoutcome",
                         object_id=outcome.pk)
    require_open(episode)
    errors: dict[str, str] = {}
    reason = reason_given(reason, errors, what="withdrawing it")
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        fresh = _lock(PlanOutcome, outcome.pk, version, what="outcome")
        _keep(actor=actor, episode=episode, kind=CorrectionKind.OUTCOME, obj=fresh,
              change=CorrectionChange.WITHDRAWN, earlier=[], reason=reason)
        PlanOutcome.objects.filter(pk=fresh.pk).update(withdrawn_at=now, withdrawn_by=actor, withdrawn_reason=reason,
                                                       version=fresh.version + 1)
        actions = list(Action.objects.filter(outcome=fresh))
        for action in actions:
            _keep(actor=actor, episode=episode, kind=CorrectionKind.ACTION, obj=action,
                  change=CorrectionChange.WITHDRAWN, earlier=[], reason=reason)
        Action.objects.filter(pk__in=[a.pk for a in actions]).update(
            withdrawn_at=now, withdrawn_by=actor, withdrawn_reason=reason)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=episode.family_id,
                     detail={"withdrawn": True, "actions_withdrawn": [a.pk for a in actions]})
    return PlanOutcome.all_objects.get(pk=outcome.pk)


# --- actions -----------------------------------------------------------------------------------------------------


def action_correct(*, actor, action: Action, version: int, what: str, due_on: date | None, reason: str) -> Action:
    """Correct what an action says or its date, with a reason, keeping the earlier wording."""
    episode = action.episode
    _require_may_correct(actor, episode, action.created_by_id, object_type="plans.action", object_id=action.pk)
    require_open(episode)
    errors: dict[str, str] = {}
    what = (what or "").strip()
    if not what:
        errors["what"] = "Describe what will be done"
    elif len(what) > 1_000:
        errors["what"] = "What will be done must be 1,000 characters or fewer"
    if due_on is None:
        errors["due_on"] = "Enter when it will be done by"
    elif due_on != action.due_on and due_on < timezone.localdate():
        errors["due_on"] = "The date it will be done by must be today or in the future"
    if what == action.what and due_on == action.due_on:
        errors["what"] = "Change what will be done or the date, or go back to the plan"
    reason = reason_given(reason, errors, what="the correction")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        fresh = _lock(Action, action.pk, version, what="action")
        earlier = [["What will be done", fresh.what]]
        if due_on != fresh.due_on:
            earlier.append(["Done by", f"{fresh.due_on.day} {fresh.due_on:%B %Y}"])
        _keep(actor=actor, episode=episode, kind=CorrectionKind.ACTION, obj=fresh,
              change=CorrectionChange.CORRECTED, earlier=earlier, reason=reason)
        Action.objects.filter(pk=fresh.pk).update(what=what, due_on=due_on, version=fresh.version + 1)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=episode.family_id,
                     detail={"corrected": True})
    return Action.objects.get(pk=action.pk)


def _withdraw(*, actor, episode, model, pk: int, version: int, kind: str, what: str, reason: str):
    """Withdraw one item of the plan or a meeting record: the reason is required, the row is taken as the form saw it
    (else refused), the withdrawal kept in its history, the row marked withdrawn and audited."""
    require_open(episode)
    errors: dict[str, str] = {}
    reason = reason_given(reason, errors, what="withdrawing it")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        fresh = _lock(model, pk, version, what=what)
        _keep(actor=actor, episode=episode, kind=kind, obj=fresh, change=CorrectionChange.WITHDRAWN, earlier=[],
              reason=reason)
        model.objects.filter(pk=fresh.pk).update(withdrawn_at=timezone.now(), withdrawn_by=actor,
                                                 withdrawn_reason=reason, version=fresh.version + 1)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=episode.family_id,
                     detail={"withdrawn": True})
    return model.all_objects.get(pk=pk)


def action_withdraw(*, actor, action: Action, version: int, reason: str) -> Action:
    _require_may_correct(actor, action.episode, action.created_by_id, object_type="plans.action", object_id=action.pk)
    return _withdraw(actor=actor, episode=action.episode, model=Action, pk=action.pk, version=version,
                     kind=CorrectionKind.ACTION, what="action", reason=reason)


# --- meeting records ---------------------------------------------------------------------------------------------


def meeting_earlier(meeting: Meeting) -> list:
    """A recorded meeting's wording, as label and text pairs, kept when the record is corrected."""
    pairs = [["The family's views", meeting.family_views]]
    for view in meeting.child_views.select_related("child").order_by("child__date_of_birth", "pk"):
        pairs.append([f"{view.child.full_name}: their views", view.views])
    pairs += [["Strengths", meeting.strengths], ["Needs", meeting.needs], ["Minutes", meeting.minutes]]
    return [[label, text] for label, text in pairs if text]


def meeting_correction_keep(*, actor, meeting: Meeting, earlier: list, reason: str) -> Correction:
    """Called by `meetings.meeting_record` when a recorded meeting is recorded again (a correction)."""
    return _keep(actor=actor, episode=meeting.episode, kind=CorrectionKind.MEETING, obj=meeting,
                 change=CorrectionChange.CORRECTED, earlier=earlier, reason=reason)


def require_may_correct_meeting(actor, meeting: Meeting) -> None:
    _require_may_correct(actor, meeting.episode, meeting.recorded_by_id or meeting.scheduled_by_id,
                         object_type="plans.meeting", object_id=meeting.pk)


def meeting_withdraw(*, actor, meeting: Meeting, version: int, reason: str) -> Meeting:
    """Withdraw a meeting record made by mistake (the wrong family, a meeting that did not happen): kept with the
    reason, left out of the live record. Notes already emailed stay as they were sent."""
    require_may_correct_meeting(actor, meeting)
    return _withdraw(actor=actor, episode=meeting.episode, model=Meeting, pk=meeting.pk, version=version,
                     kind=CorrectionKind.MEETING, what="meeting record", reason=reason)


# --- how each outcome ended, before closing ----------------------------------------------------------------------

FINAL_STATES = (OutcomeStatus.ACHIEVED, OutcomeStatus.NOT_ACHIEVED, OutcomeStatus.NO_LONGER_NEEDED)


def outcomes_final(*, actor, episode, answers: dict[int, tuple[str, int]]) -> list[PlanOutcome]:
    """Before Early Help closes, record how each outcome still being worked towards ended: achieved, not achieved or
    no longer needed (`answers`: outcome id to (state, the version its form was built from)). Every outcome must be
    answered; a stale form is refused; nothing is saved unless all is."""
    policy.require_edit_family(actor, episode.family)
    if not policy.can_manage_episode(actor, episode):
        raise NotPermitted("Only the lead professional, the locality's Early Help coordinator or the lead's manager "
                           "can record how the outcomes ended.", object_type="cases.episode", object_id=episode.pk)
    require_open(episode)
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).order_by("pk"))
    errors = {f"final_{o.pk}": "Say whether this outcome was achieved, not achieved or is no longer needed"
              for o in outcomes if (answers.get(o.pk) or ("", 0))[0] not in FINAL_STATES}
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for o in outcomes:
            state, version = answers[o.pk]
            fresh = _lock(PlanOutcome, o.pk, version, what="outcome")
            PlanOutcome.objects.filter(pk=fresh.pk).update(status=state, version=fresh.version + 1)
            trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=episode.family_id,
                         detail={"status": state, "before_closing": True})
    return outcomes
