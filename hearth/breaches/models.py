"""The breach log: personal data breaches and who was told of them.

- `Incident`: a personal data breach, with the 72-hour clock from its discovery for deciding whether to report
  it to the Information Commissioner (UK GDPR Article 33), the decision and its reason, the report, and who was
  told (`IncidentNotice`).

The tables keep the names they had in the `dpo` app (`db_table`; decision record 0010), so moving the models here
changed no data.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.people.models import Family

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
        db_table = "dpo_incident"
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
        db_table = "dpo_incidentnotice"
        ordering = ["told_at", "pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk} of incident {self.incident_id}"
