"""Events about users that higher apps act on (registered in their `AppConfig.ready()`)."""

from hearth.core.hooks import Hook

# A user's agency, team, roles or active flag changed: what the stored access grants give them changes with it.
user_changed = Hook("a user's agency, team or roles changed", expects=("access",))
