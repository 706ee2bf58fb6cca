"""The outbox's jobs: send one message; clear the address and words of messages sent a while ago."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hearth.jobs import queue
from hearth.outbox import channels
from hearth.outbox.hooks import SENT
from hearth.outbox.models import Message, Status


def _tell(message) -> None:
    for entry in SENT.entries:
        entry.item(message)


@queue.job("Send an email", retries=8, backoff_seconds=60, atomic=False)
def deliver(message_id: int) -> str:
    """Send it once: a message already sent (a repeated or recovered job) is not sent again."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None or message.status == Status.SENT:
        return "nothing to send"
    channel = channels.name()
    Message.objects.filter(pk=message.pk).update(attempts=message.attempts + 1, channel=channel)
    try:
        reference = channels.send(message)
    except Exception as error:
        give_up = isinstance(error, channels.Undeliverable) or queue.last_attempt()
        reason = str(error) if isinstance(error, channels.Undeliverable) else type(error).__name__
        Message.objects.filter(pk=message.pk).update(
            last_error=reason[:200], status=Status.FAILED if give_up else Status.WAITING)
        if give_up:
            message.refresh_from_db()
            _tell(message)
            raise queue.GiveUp(reason) from None
        raise
    Message.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=timezone.now(),
                                                 provider_reference=reference[:100], last_error="")
    message.refresh_from_db()
    _tell(message)
    return "sent"


@queue.job("Clear the words of emails sent a while ago")
def clear_sent(slot: str = "") -> int:
    cutoff = timezone.now() - timedelta(days=settings.HEARTH_OUTBOX_KEEP_DAYS)
    return Message.objects.filter(status=Status.SENT, sent_at__lt=cutoff, cleared_at__isnull=True).update(
        to="", subject="", body="", cleared_at=timezone.now())
