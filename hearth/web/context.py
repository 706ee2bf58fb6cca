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
