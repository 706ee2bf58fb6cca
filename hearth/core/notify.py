"""Sending email: GOV.UK Notify when configured (HEARTH_NOTIFY_API_KEY and HEARTH_NOTIFY_TEMPLATE_ID, a
template with `subject` and `body` placeholders), otherwise Django's email backend.

Callers pass only what the recipient needs; nothing here logs the content.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def _notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.HEARTH_NOTIFY_API_KEY)


def send_email(*, to: list[str] | str, subject: str, body: str) -> int:
    """Send one email to each address. Returns how many were accepted for delivery."""
    recipients = [to] if isinstance(to, str) else [a for a in to if a]
    if not recipients:
        return 0
    if getattr(settings, "HEARTH_NOTIFY_API_KEY", "") and getattr(settings, "HEARTH_NOTIFY_TEMPLATE_ID", ""):
        client = _notify_client()
        sent = 0
        for address in recipients:
            client.send_email_notification(email_address=address, template_id=settings.HEARTH_NOTIFY_TEMPLATE_ID,
                                           personalisation={"subject": subject, "body": body})
            sent += 1
        return sent
    sent = 0
    for address in recipients:
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return sent
