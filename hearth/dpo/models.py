"""The data protection officer's records: the breach log, and requests to correct, erase or restrict.

- `Incident`: a personal data breach, with the 72-hour clock from its discovery for deciding whether to report
  it to the Information Commissioner (UK GDPR Article 33), the decision and its reason, the report, and who was
  told (`IncidentNotice`).
- `RightsRequest`: a request for rectification, erasure or restriction (Articles 16 to 18): what the person asks,
  the decision with its reason, and what was done. Applying a rectification keeps every old value
  (`RectificationChange`), and the recipients of the corrected information are told (Article 19).
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.people.models import Family, Person

REPORTING_HOURS = 72


class DataKind(models.TextChoices):
    NAMES_CONTACT = "names_contact", "Names and contact details"
    ADDRESSES = "addresses", "Addresses, including addresses that must not be disclosed"
    IDENTIFIERS = "identifiers", "NHS numbers, Unique Pupil Numbers or National Insurance numbers"
    CHILDREN = "children", "Children's information"
    HEALTH = "health", "Health, including mental health and disability"
    ETHNICITY = "ethnicity", "Ethnicity, religion or first language"
    SAFEGUARDING = "safeguarding", "Safeguarding concerns"
    CASE_RECORDS = "case_records", "Assessments, plans, meeting notes or case notes"
    CRIMINAL = "criminal", "Police or criminal offence information"
    FINANCIAL = "financial", "Money, benefits or housing"
    OTHER = "other", "Something else"


class IcoDecision(models.TextChoices):
    REPORT = "report", "Report to the Information Commissioner"
    DO_NOT_REPORT = "do_not_report", "Do not report"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


def deadline_for(discovered_at: datetime) -> datetime:
    """72 real hours after discovery. The sum is taken in UTC: adding hours to a local time across a change of
    the clocks would give 71 or 73 real hours."""
    return discovered_at.astimezone(UTC) + timedelta(hours=REPORTING_HOURS)


def _duration_text(delta: timedelta) -> str:
    """'2 days 5 hours', '3 hours 10 minutes', '45 minutes'."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days and (minutes or not hours):
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True)
class Clock:
    """Where an incident stands against the 72 hours. The clock stops when the decision is not to report, or when
    the report is made; a decision to report leaves it running until the report."""

    deadline: datetime
    stopped_at: datetime | None
    now: datetime

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def overdue(self) -> bool:
        return self.running and self.now > self.deadline

    @property
    def late(self) -> bool:
        """Stopped after the deadline."""
        return self.stopped_at is not None and self.stopped_at > self.deadline

    @property
    def remaining(self) -> timedelta:
        return self.deadline - self.now

    @property
    def text(self) -> str:
        if self.stopped_at is not None:
            if self.late:
                return f"Late: {_duration_text(self.stopped_at - self.deadline)} after the deadline"
            return "Met: within 72 hours"
        if self.overdue:
            return f"Overdue by {_duration_text(self.now - self.deadline)}"
        return f"{_duration_text(self.remaining)} left"

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour."""
        if self.stopped_at is not None:
            return "orange" if self.late else "green"
        if self.overdue:
            return "red"
        return "yellow" if self.remaining <= timedelta(hours=24) else "blue"


class Incident(models.Model):
    """A personal data breach: what happened, whose information and what kind, what was done to contain it, the
    decision on reporting it to the Information Commissioner (within 72 hours of discovery) and who was told."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=200)
    what_happened = models.TextField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField()
    people_affected = models.TextField(blank=True)
    families = models.ManyToManyField(Family, blank=True, related_name="+")
    data_kinds = models.JSONField(default=list)
    data_kinds_other = models.CharField(max_length=200, blank=True)
    people_count = models.PositiveIntegerField(null=True, blank=True)
    people_count_estimated = models.BooleanField(default=False)
    containment = models.TextField(blank=True)
    # The decision on reporting to the Information Commissioner.
    decision = models.CharField(max_length=20, choices=IcoDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decision_delay_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=100, blank=True)
    report_delay_reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    lessons = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        indexes = [models.Index(fields=["council", "status", "discovered_at"], name="dpo_incident_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(decision="") | ~Q(decision_reason=""),
                                   name="dpo_incident_decision_needs_reason"),
            models.CheckConstraint(condition=Q(reported_at__isnull=True) | Q(decision="report"),
                                   name="dpo_incident_report_needs_decision"),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk}"

    @property
    def deadline(self) -> datetime:
        return deadline_for(self.discovered_at)

    def clock(self, now: datetime | None = None) -> Clock:
        if self.decision == IcoDecision.DO_NOT_REPORT:
            stopped = self.decided_at
        elif self.decision == IcoDecision.REPORT:
            stopped = self.reported_at
        else:
            stopped = None
        return Clock(deadline=self.deadline, stopped_at=stopped, now=now or timezone.now())

    @property
    def decided_late(self) -> bool:
        return self.decided_at is not None and self.decided_at > self.deadline

    @property
    def reported_late(self) -> bool:
        return self.reported_at is not None and self.reported_at > self.deadline

    @property
    def is_open(self) -> bool:
        return self.status == IncidentStatus.OPEN

    def data_kind_labels(self) -> list[str]:
        labels = dict(DataKind.choices)
        out = [labels.get(k, k) for k in self.data_kinds if k != DataKind.OTHER]
        if DataKind.OTHER in self.data_kinds:
            out.append(f"Other: {self.data_kinds_other}" if self.data_kinds_other else labels[DataKind.OTHER])
        return out


class NoticeAudience(models.TextChoices):
    DATA_SUBJECTS = "data_subjects", "The people whose information it was"
    PARTNER = "partner", "A partner agency"
    POLICE = "police", "The police"
    OTHER = "other", "Someone else"


class IncidentNotice(models.Model):
    """Someone told about an incident: the people whose information it was, a partner agency, the police."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(max_length=20, choices=NoticeAudience.choices)
    who = models.CharField(max_length=300)
    told_at = models.DateTimeField()
    how = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["told_at", "pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk} of incident {self.incident_id}"


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
