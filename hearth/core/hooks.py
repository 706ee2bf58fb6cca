"""Hooks: the one way a lower app reaches a higher one (docs/architecture.md, "Layers").

Apps import only the apps below them (checked by `lint-imports`). When a lower app must let higher apps act, on
an event ("a council's consent model changed") or to contribute to something it owns (a panel on the family page,
a check before an episode closes), it declares a `Hook` and the higher apps register with it in their
`AppConfig.ready()`. Every hook is listed by `all_hooks()`, each says which apps it expects to hear from, and a
system check (and a test) fails when one of them has not registered, so a missing handler fails loudly at start
rather than silently doing nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

_HOOKS: list["Hook"] = []


@dataclass
class Entry:
    app: str
    key: str
    item: Any  # a function to call, or what the hook collects (a `Panel`)
    order: int


@dataclass(frozen=True)
class Panel:
    """A part of a page that a higher app contributes to a lower app's page: where on the page it goes (`slot`),
    its template, and `load(user, record)`, which returns what the template reads as `panel`."""

    slot: str
    template: str
    load: Callable[[Any, Any], Any]


@dataclass(eq=False)
class Hook:
    """A named point higher apps register with. `expects` names the apps that must register (at least one entry
    each); entries run in `order`, then in the order they registered."""

    name: str
    expects: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self):
        _HOOKS.append(self)

    def register(self, app: str, item: Any, *, key: str = "", order: int = 0) -> Any:
        key = key or getattr(item, "__name__", "") or getattr(item, "template", "")
        if any(e.app == app and e.key == key for e in self.entries):
            raise ImproperlyConfigured(f"{app} registered {key!r} with the hook {self.name!r} twice")
        self.entries.append(Entry(app=app, key=key, item=item, order=order))
        self.entries.sort(key=lambda e: e.order)
        return item

    def missing(self) -> list[str]:
        present = {e.app for e in self.entries}
        return [app for app in self.expects if app not in present]

    def items(self) -> list[Any]:
        """What was registered, in order; refuses while an expected app has not registered."""
        if missing := self.missing():
            raise ImproperlyConfigured(f"The hook {self.name!r} has no entry from {', '.join(missing)}")
        return [entry.item for entry in self.entries]

    def call(self, **kwargs) -> list[Any]:
        """Run every registered function with the same arguments; their answers in order."""
        return [fn(**kwargs) for fn in self.items()]

    def panels(self, user, record) -> dict[str, list[tuple[str, Any]]]:
        """For a hook of `Panel`s: each slot's (template, what it shows), in order, loaded for this record."""
        slots: dict[str, list[tuple[str, Any]]] = {}
        for panel in self.items():
            slots.setdefault(panel.slot, []).append((panel.template, panel.load(user, record)))
        return slots


def all_hooks() -> list[Hook]:
    return list(_HOOKS)


@checks.register()
def every_hook_is_served(app_configs=None, **kwargs):
    return [checks.Error(f"The hook {hook.name!r} has no entry from {', '.join(hook.missing())}",
                         hint="Register it in that app's AppConfig.ready().", id="hearth.E001")
            for hook in _HOOKS if hook.missing()]
