"""The two ways an email leaves: GOV.UK Notify through its official client when an API key is set, otherwise
Django's email backend. Each returns the provider's reference for the message, and raises `Undeliverable` for an
answer that trying again will not change (a bad address, a bad key or template), any other error for one that
it may (the service down, too many requests)."""

from django.conf import settings
from django.core.mail import EmailMessage


class Undeliverable(Exception):
    """Trying again will not help. The message says why in plain English, without the address."""


def name() -> str:
    return "notify" if settings.HEARTH_NOTIFY_API_KEY else "email"


def _template_for(kind: str) -> str:
    return settings.HEARTH_NOTIFY_TEMPLATES.get(kind) or settings.HEARTH_NOTIFY_TEMPLATE_ID


def send(message) -> str:
    if settings.HEARTH_NOTIFY_API_KEY:
        return _send_by_notify(message)
    EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to]).send(fail_silently=False)
    return ""


def _send_by_notify(message) -> str:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    template_id = _template_for(message.kind)
    if not template_id:
        raise Undeliverable("No GOV.UK Notify template is set (HEARTH_NOTIFY_TEMPLATE_ID)")
    client = NotificationsAPIClient(settings.HEARTH_NOTIFY_API_KEY, base_url=settings.HEARTH_NOTIFY_BASE_URL)
    try:
        answer = client.send_email_notification(
            email_address=message.to, template_id=template_id, reference=f"hearth-{message.pk}",
            personalisation={"subject": message.subject, "body": message.body})
    except HTTPError as error:
        # 400 (bad address or template) and 403 (bad key) will not change by waiting; 429 and 5xx may.
        if error.status_code in (400, 403):
            raise Undeliverable(f"GOV.UK Notify refused the message ({error.status_code})") from None
        raise
    return str(answer.get("id", ""))
