from django.db import models


class Status(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class Message(models.Model):
    """One email to one address. `about_type`/`about_id` name the record its sending is reported to (an entry of
    the information-sharing register), through the `outbox.sent` hook. The address, subject and body are cleared
    a few days after sending (HEARTH_OUTBOX_KEEP_DAYS); what was sent, when, stays."""

    kind = models.CharField(max_length=60)
    to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)
    cleared_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outbox_about_idx"),
            models.Index(fields=["status", "created_at"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk} ({self.get_status_display().lower()})"  # never the address
