"""Retention and disposal: legal holds, disposal runs (prepared, approved by someone else, run) and the
certificate a completed run leaves behind, which identifies no one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.people.models import Family


class LegalHold(models.Model):
    """Records that must not be disposed of while the hold is active (a public inquiry, a court case, a
    complaint to the Ombudsman): some named families, or every family of the council."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    reason = models.TextField()
    all_families = models.BooleanField(default=False)
    families = models.ManyToManyField(Family, blank=True, related_name="legal_holds")
    # How many families the hold named when placed (disposal after the hold is lifted removes the links).
    families_named = models.PositiveIntegerField(default=0)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["council", "lifted_at"], name="legalhold_active_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                                   name="legalhold_lifted_by_someone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RunStatus(models.TextChoices):
    COUNTING = "counting", "Counting what is due"
    PREPARED = "prepared", "Prepared: waiting for approval"
    APPROVED = "approved", "Approved: waiting to run"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class DisposalRun(models.Model):
    """One disposal of the records due on `as_of`: prepared (a dry run with counts), approved by a second
    person, then run. `rules` is the council's rules as they were when it was prepared: what was approved is
    what runs. `counts` is the dry run's forecast, `results` what the run deleted (counts only)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.PREPARED)
    rules = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    results = models.JSONField(default=dict, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        indexes = [models.Index(fields=["council", "status"], name="disposalrun_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                                   name="disposalrun_approver_not_preparer"),
        ]

    def __str__(self) -> str:
        return f"Disposal run {self.pk}"

    @property
    def reference(self) -> str:
        return f"DR-{self.pk}"


class DisposalCertificate(models.Model):
    """What a completed run deleted: record types, how many, under which rule, when, who prepared and
    approved it. No family, person, name or id of a data subject appears here."""

    run = models.OneToOneField(DisposalRun, on_delete=models.PROTECT, related_name="certificate")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    lines = models.JSONField(default=list)  # [{record_type, label, count, rule}]
    totals = models.JSONField(default=dict)  # families, people, records, held back
    prepared_by_name = models.CharField(max_length=200)
    prepared_at = models.DateTimeField()
    approved_by_name = models.CharField(max_length=200)
    approved_at = models.DateTimeField()
    run_by_name = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DC-{self.run_id}"
