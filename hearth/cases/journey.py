"""What the journey apps add to an episode's status changes (registered in their `AppConfig.ready()`).

`cases` owns the episode and its status; the assessment, the plan and the register each know something a status
change must respect or act on. They tell `cases` here, so `cases` never imports them:

- `transition_checks`: `check(episode, transition) -> str`, a refusal in plain English, or "" to allow it;
- `open_work`: `items(episode) -> list`, work still open that the person closing must decide about (each item has
  `what` and `due_on`);
- `first_steps`: `steps(episode) -> list`, things to settle before closing, each a page of its own (each step has
  `what`, `items` (short lines to list), `url` and `link`); the episode page's "Close Early Help" leads to the first;
- `episode_closed`: `act(actor, episode, closure, open_work)`, run in the closing transaction after the episode is
  saved closed;
- `level_changed`: `act(actor, episode, before)`, run in the transaction after the episode's new level of need is
  saved (`before` is the level it had)."""

from hearth.core.hooks import Hook

transition_checks = Hook("checks before an episode changes status", expects=("assessments",))
open_work = Hook("open work to decide before an episode closes", expects=("plans",))
first_steps = Hook("steps to take before an episode closes", expects=("plans",))
episode_closed = Hook("an episode closed", expects=("assessments", "plans", "sharing"))
level_changed = Hook("an episode's level of need changed", expects=("sharing",))


def refusal(episode, transition: str) -> str:
    return next((why for why in transition_checks.call(episode=episode, transition=transition) if why), "")


def open_items(episode) -> list:
    return [item for items in open_work.call(episode=episode) for item in items]


def steps_before_closing(episode) -> list:
    return [step for steps in first_steps.call(episode=episode) for step in steps]
