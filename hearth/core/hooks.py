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
    fn: Callable[..., Any]
    order: int


@dataclass(eq=False)
class Hook:
    """A named point higher apps register with. `expects` names the apps that must register (at least one entry
    each); entries run in `order`, then in the order they registered."""

    name: str
    expects: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self):
        _HOOKS.append(self)

    def register(self, app: str, fn: Callable[..., Any], *, key: str = "", order: int = 0) -> Callable[..., Any]:
        key = key or fn.__name__
        if any(e.app == app and e.key == key for e in self.entries):
            raise ImproperlyConfigured(f"{app} registered {key!r} with the hook {self.name!r} twice")
        self.entries.append(Entry(app=app, key=key, fn=fn, order=order))
        self.entries.sort(key=lambda e: e.order)
        return fn

    def missing(self) -> list[str]:
        present = {e.app for e in self.entries}
        return [app for app in self.expects if app not in present]

    def __iter__(self):
        if missing := self.missing():
            raise ImproperlyConfigured(f"The hook {self.name!r} has no entry from {', '.join(missing)}")
        return iter(list(self.entries))

    def call(self, **kwargs) -> list[Any]:
        """Run every entry with the same arguments; their answers in order."""
        return [entry.fn(**kwargs) for entry in self]


def all_hooks() -> list[Hook]:
    return list(_HOOKS)


@checks.register()
def every_hook_is_served(app_configs=None, **kwargs):
    return [checks.Error(f"The hook {hook.name!r} has no entry from {', '.join(hook.missing())}",
                         hint="Register it in that app's AppConfig.ready().", id="hearth.E001")
            for hook in _HOOKS if hook.missing()]
