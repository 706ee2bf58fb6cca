from django.conf import settings

from hearth.core.models import Council


def public_council(request):
    """The council named on pages shown before sign-in: HEARTH_DEFAULT_COUNCIL, or the only council."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return {}
    code = settings.HEARTH_DEFAULT_COUNCIL
    qs = Council.objects.filter(code=code) if code else Council.objects.all()
    councils = list(qs[:2])
    return {"public_council": councils[0] if len(councils) == 1 else None}


def session_timeout(request):
    """The idle timeout and its warning, read per request so a changed setting reaches the page."""
    return {"IDLE_TIMEOUT": settings.SESSION_COOKIE_AGE, "IDLE_WARNING": settings.HEARTH_IDLE_WARNING_SECONDS}
