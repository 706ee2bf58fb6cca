"""Events about users that higher apps act on (registered in their `AppConfig.ready()`)."""

from hearth.core.hooks import Hook

# A user's agency, team, roles or active flag changed: what the stored access grants give them changes with it.
user_changed = Hook("a user's agency, team or roles changed", expects=("access",))

# Other ways to sign in, offered on the sign-in page above the email and password: each entry is called with the
# request and returns a list of (label, url).
sign_in_choices = Hook("other ways to sign in", expects=("identity",))

# The user is signing out: each entry is called with the request, before the session ends, and returns where the
# browser goes next (the identity provider's own sign-out), or "".
signing_out = Hook("a user is signing out", expects=("identity",))

# More pages of the administrator's menu (hearth/accounts/templates/accounts/admin/_nav.html): each entry is a
# (label, URL name) pair.
admin_pages = Hook("more pages of administration", expects=("identity",))
