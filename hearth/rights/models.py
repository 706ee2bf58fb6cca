"""Requests to correct, erase or restrict a person's information (UK GDPR Articles 16 to 19).

- `RightsRequest`: a request for rectification, erasure or restriction: what the person asks, the decision with
  its reason, and what was done. Applying a rectification keeps every old value (`RectificationChange`), an erasure
  lists what it erased (never the values), a restriction is kept while in force (`Restriction`), and the
  recipients of the information are told (Article 19).

The tables keep the names they had in the `dpo` app (`db_table`; decision record 0010), so moving the models here
changed no data.
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.people.models import Person


class RequestKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification (correct their information)"
    ERASURE = "erasure", "Erasure (delete their information)"
    RESTRICTION = "restriction", "Restriction (stop using their information for now)"


class RequestDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"


def one_calendar_month_after(day: date) -> date:
    """The response is due one calendar month after receipt: the same day next month, or that month's last day
    where it has no such day (31 January → 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class RightsRequest(models.Model):
    """A person's request to correct, erase or restrict their information, and the council's answer."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    asked = models.TextField()
    received_on = models.DateField()
    decision = models.CharField(max_length=20, choices=RequestDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    applied_note = models.TextField(blank=True)
    # The families the person belonged to when the request was applied: its recipients are found from their
    # register entries, even once an erasure has ended the memberships.
    family_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "dpo_rightsrequest"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["council", "received_on"], name="dpo_request_council_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(decision="refused") | ~Q(decision_reason=""),
                                   name="dpo_request_refusal_needs_reason"),
            models.CheckConstraint(condition=Q(applied_at__isnull=True) | Q(decision="accepted"),
                                   name="dpo_request_applied_only_if_accepted"),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}"

    @property
    def due_on(self) -> date:
        return one_calendar_month_after(self.received_on)

    @property
    def status_text(self) -> str:
        if self.decision == RequestDecision.REFUSED:
            return "Refused"
        if self.applied_at:
            return "Done"
        if self.decision == RequestDecision.ACCEPTED:
            return "Accepted: to do"
        return "Waiting for a decision"

    @property
    def is_rectification(self) -> bool:
        return self.kind == RequestKind.RECTIFICATION

    @property
    def is_erasure(self) -> bool:
        return self.kind == RequestKind.ERASURE

    @property
    def is_restriction(self) -> bool:
        return self.kind == RequestKind.RESTRICTION


class RectificationChange(models.Model):
    """One detail of a person's record changed by a rectification (the value before and after, who and when), or
    erased by an erasure (what it was, never its value: `before` and `after` stay blank)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="changes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=100)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "dpo_rectificationchange"
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} corrected"


class Restriction(models.Model):
    """An accepted request to restrict the use of a person's information (UK GDPR Article 18): while it is in
    force the record is kept but not changed or shared, except with the person's consent, for legal claims, to
    protect another person or for an important public interest. Before it is lifted the person must be told."""

    request = models.OneToOneField(RightsRequest, on_delete=models.PROTECT, related_name="restriction")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    what = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_reason = models.TextField(blank=True)
    person_told = models.TextField(blank=True)  # how and when the person was told before it was lifted

    class Meta:
        db_table = "dpo_restriction"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["person", "lifted_at"], name="dpo_restriction_person_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(lifted_at__isnull=True) | (~Q(lifted_reason="") & ~Q(person_told="")),
                                   name="dpo_restriction_lift_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"Restriction {self.pk}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
