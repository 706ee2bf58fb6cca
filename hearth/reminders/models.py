"""Each reminder sent: to whom, of what, about which record, for which due date. The unique key is what makes a
reminder go once, however often the schedule or its job runs."""

from django.conf import settings
from django.db import models

from hearth.accounts.models import ReminderDelivery


class Reminder(models.Model):
    """One reminder to one user. `about_type`/`about_id` name the record it is about (an episode, an action, a
    consent, a subject access request, a break-glass use, a disposal run) by its number only. `due_on` is the date
    it is keyed on: the review or action date, the consent's review-by date, a subject access request's day of
    receipt (day 21, day 28) or deadline, the day a break-glass use became five working days old, a disposal's
    as-of date. A record whose date moves (a new review date, an extended deadline) is reminded of again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    about_type = models.CharField(max_length=60)
    about_id = models.PositiveBigIntegerField()
    due_on = models.DateField()
    slot = models.CharField(max_length=40)  # the schedule's slot (its day) that found it
    delivery = models.CharField(max_length=10, choices=ReminderDelivery.choices)
    sent_at = models.DateTimeField()  # when its email (its own, or the day's digest) was written to the outbox

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "about_id", "due_on", "user"], name="reminder_once"),
        ]
        indexes = [models.Index(fields=["user", "sent_at"], name="reminder_user_idx")]

    def __str__(self) -> str:
        return f"Reminder {self.pk}"
