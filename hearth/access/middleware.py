from django.shortcuts import render

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.audit.trail import AuditUnavailable
from hearth.core.errors import NotPermitted


class DomainErrorMiddleware:
    """Turns refusals raised outside a form into plain-English pages, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        refusal = policy.read_only_refusal(request.user, request.method, match.view_name if match else "",
                                           view_kwargs)
        return self.process_exception(request, refusal) if refusal else None

    def process_exception(self, request, exception):
        if isinstance(exception, NotPermitted):
            # The request's transaction has rolled back by now, so this row commits on its own.
            trail.record(actor=request.user, action=AuditAction.DENIED, object_type=exception.object_type or "page",
                         object_id=exception.object_id or request.path[:40])
            return render(request, "web/error.html", {
                "title": "You do not have access to this record",
                "message": exception.message if exception.message == policy.READ_ONLY_REFUSAL else (
                    "You can only see families you work with. If you need access, ask the family's lead "
                    "professional or your Early Help coordinator."),
            }, status=403)
        if isinstance(exception, AuditUnavailable):
            return render(request, "web/error.html", {
                "title": "This record cannot be shown right now",
                "message": "Every look at a family's record is logged, and the log could not be written, so the "
                           "record has not been shown. Try again in a few minutes.",
            }, status=503)
        return None
