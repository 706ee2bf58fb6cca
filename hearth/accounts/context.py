from django.conf import settings
from django.urls import reverse

from hearth.accounts import events
from hearth.accounts.middleware import seconds_left


def session_timeout(request):
    """The idle timeout and its warning, read per request so a changed setting reaches the page: the seconds left
    since the session was last renewed (`hearth.accounts.middleware`)."""
    return {"IDLE_TIMEOUT": seconds_left(getattr(request, "session", None)),
            "IDLE_WARNING": settings.HEARTH_IDLE_WARNING_SECONDS}


def admin_pages(request):
    """The administrator's menu entries that higher apps add (accounts.events.admin_pages), as (label, URL), worked
    out only on the pages that show the menu."""
    return {"more_admin_pages": lambda: [(label, reverse(name)) for label, name in events.admin_pages.items()]}
