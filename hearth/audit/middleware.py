from django.conf import settings

from hearth.audit import trail


def client_ip(request) -> str | None:
    """The client address, taking X-Forwarded-For only from the configured number of trusted proxies."""
    proxies = settings.HEARTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the client address available to trail.record for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = trail.set_context(trail.RequestContext(ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            trail.reset_context(token)
