"""What the plan adds to the episode's closure (registered with `hearth.cases.journey`): its open actions are work
to decide about, and are settled as the person closing decided; closing because the desired outcomes were achieved
records the outcomes still being worked towards as achieved, in their history."""

from django.urls import reverse
from django.utils import timezone

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.plans.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Correction,
    CorrectionChange,
    CorrectionKind,
    OutcomeStatus,
    PlanOutcome,
)


def open_actions(*, episode) -> list[Action]:
    return list(Action.objects.filter(episode=episode, status__in=OPEN_ACTION_STATUSES).order_by("due_on", "pk"))


def settle_open_actions(*, actor, episode, closure, open_work) -> None:
    """The plan's open actions, as the person closing the episode decided: cancelled, transferred or done."""
    if not closure.open_actions:
        return
    new_status = {"cancel": ActionStatus.CANCELLED, "transfer": ActionStatus.TRANSFERRED,
                  "complete": ActionStatus.DONE}[closure.open_actions]
    Action.objects.filter(episode=episode, status__in=OPEN_ACTION_STATUSES).update(
        status=new_status, status_note="Set when the episode closed",
        completed_on=episode.closed_on if new_status == ActionStatus.DONE else None)



def outcomes_to_settle(*, episode) -> list[dict]:
    """Before closing, the outcomes still being worked towards: the practitioner says how each ended (achieved,
    not achieved, no longer needed) on a page of its own, so the plan after closure says what really happened."""
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).order_by("pk"))
    if not outcomes:
        return []
    n = len(outcomes)
    return [{"what": f"{n} outcome{'s' if n != 1 else ''} still say{'' if n != 1 else 's'} “Working towards”.",
             "items": [o.description for o in outcomes],
             "url": reverse("plans:outcomes_final", args=[episode.pk]), "link": "Say how each outcome ended"}]


OUTCOMES_ACHIEVED = "outcomes_achieved"


def outcomes_settled_on_closing(*, actor, episode, closure, open_work) -> None:
    """Closing because the desired outcomes were achieved, when the practitioner went straight to the closure page
    past `outcomes_to_settle`: the outcomes still marked "Working towards" are recorded as achieved, each with a
    line in its history saying so (who closed, when, why), so the plan after closure agrees with the closure.
    Outcomes the practitioner marked otherwise before closing (not achieved, no longer needed) keep what they
    said."""
    if closure.reason != OUTCOMES_ACHIEVED:
        return
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN))
    if not outcomes:
        return
    label = next((r.get("label", r["code"]) for r in episode.family.council.closure_reasons
                  if r["code"] == OUTCOMES_ACHIEVED), "Desired outcomes have been achieved")
    now = timezone.now()
    Correction.objects.bulk_create([
        Correction(episode=episode, kind=CorrectionKind.OUTCOME, object_id=o.pk, change=CorrectionChange.CORRECTED,
                   earlier=[["Where the family is with this outcome", OutcomeStatus.OPEN.label]],
                   reason=f"Marked achieved when Early Help closed: {label}", made_by=actor, made_at=now)
        for o in outcomes])
    PlanOutcome.objects.filter(pk__in=[o.pk for o in outcomes]).update(status=OutcomeStatus.ACHIEVED)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=episode, family_id=episode.family_id,
                 detail={"outcomes_achieved_at_closure": [o.pk for o in outcomes]})
