"""What the plan adds to the episode's closure (registered with `hearth.cases.journey`): its open actions are work
to decide about, and are settled as the person closing decided."""

from hearth.plans.models import OPEN_ACTION_STATUSES, Action, ActionStatus


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
