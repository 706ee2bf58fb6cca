from django.conf import settings

from hearth.accounts.middleware import seconds_left


def session_timeout(request):
    """The idle timeout and its warning, read per request so a changed setting reaches the page: the seconds left
    since the session was last renewed (`hearth.accounts.middleware`)."""
    return {"IDLE_TIMEOUT": seconds_left(getattr(request, "session", None)),
            "IDLE_WARNING": settings.HEARTH_IDLE_WARNING_SECONDS}
