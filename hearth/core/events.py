"""Events in the lowest layer that higher apps act on (registered in their `AppConfig.ready()`)."""

from hearth.core.hooks import Hook

# A council's consent model changed (`hearth load-profiles`): whose consent gates partners' access changes with it.
consent_model_changed = Hook("a council's consent model changed", expects=("access",))
