"""The Early Help episode: its status, level of need and lead professional over time; case notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.cases import review_dates
from hearth.people.models import Family


class EpisodeStatus(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan in place"
    STEPPED_UP = "stepped_up", "Stepped up: waiting for MASH"
    SOCIAL_WORK = "social_work", "Social-work assessment under way (Early Help continues)"
    CLOSED = "closed", "Closed"


class EpisodeOrigin(models.TextChoices):
    REQUEST = "request", "Request for support"
    PRACTITIONER = "practitioner", "Started by a practitioner with the family"
    STEP_DOWN = "step_down", "Stepped down from children's social care"


class EpisodeReason(models.TextChoices):
    """The reason the episode began: the primary need categories the Standard Safeguarding Dataset
    records for early help episodes (the same codes as the Children in Need census)."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability or illness"
    N3 = "N3", "Parent's disability or illness"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class Episode(models.Model):
    """One period of Early Help for a family. At most one is open per family (a database constraint)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.ASSESSMENT)
    origin = models.CharField(max_length=20, choices=EpisodeOrigin.choices)
    reason = models.CharField(max_length=2, choices=EpisodeReason.choices)
    level = models.PositiveSmallIntegerField()
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="led_episodes"
    )
    started_on = models.DateField(default=timezone.localdate)
    next_review_due = models.DateField(null=True, blank=True)
    # Closure
    closed_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=60, blank=True)  # a closure code from the council's profile
    end_reason_detail = models.TextField(blank=True)
    family_comments = models.TextField(blank=True)
    evaluation_rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 (not helpful) to 5
    evaluation = models.TextField(blank=True)
    new_area = models.CharField(max_length=200, blank=True)
    new_area_consent = models.BooleanField(null=True)
    open_actions_outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=~Q(status="closed"), name="episode_one_open_per_family"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="episode_level_1_to_4"),
        ]
        indexes = [
            models.Index(fields=["lead_professional", "status"], name="episode_lead_idx"),
            models.Index(fields=["status", "next_review_due"], name="episode_review_idx"),
            # Due reviews are walked in date order from here (keyset pages of due work).
            models.Index(fields=["next_review_due", "id"], condition=~Q(status="closed"), name="episode_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != EpisodeStatus.CLOSED

    @property
    def review_overdue(self) -> bool:
        return review_dates.is_overdue(self.next_review_due)


class LevelSource(models.TextChoices):
    SCREENING = "screening", "Screening decision"
    ASSESSMENT = "assessment", "Assessment"
    REVIEW = "review", "Review"
    STEP_UP = "step_up", "Step up"
    STEP_DOWN = "step_down", "Step down"
    START = "start", "Start of the episode"


class LevelChange(models.Model):
    """The level of need over time."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="level_changes")
    level = models.PositiveSmallIntegerField()
    reasons = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=LevelSource.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"Level {self.level} from {self.decided_at:%Y-%m-%d}"


class LeadAssignment(models.Model):
    """The lead professional over time."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="lead_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(ended_at__isnull=True), name="lead_one_current_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} leads from {self.started_at:%Y-%m-%d}"


class HandoverStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Handover(models.Model):
    """A planned change of lead professional, agreed before it happens."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_for = models.DateField()
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PLANNED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(status="planned"), name="handover_one_planned_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"Handover to {self.to_user} on {self.planned_for}"


class StatusChange(models.Model):
    """Every named transition of an episode, with who made it and why."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=EpisodeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=EpisodeStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_status} to {self.to_status}"


class NoteType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE_VISIT = "office_visit", "Office or school visit"
    PHONE = "phone", "Telephone call"
    MESSAGE = "message", "Email, letter or text message"
    MEETING = "meeting", "Meeting"
    DIRECT_WORK = "direct_work", "Direct work with a child"
    PROFESSIONAL = "professional", "Discussion with another professional"
    OBSERVATION = "observation", "Observation"
    OTHER = "other", "Other"


class LiveNotes(models.Manager):
    """Notes still standing: a withdrawn note is left out of the notes, the chronology and new copies; its history
    is read through `CaseNote.all_objects`."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class CaseNote(models.Model):
    """A dated entry on the family's record. Significant events make up the chronology."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="case_notes")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="notes")
    note_type = models.CharField(max_length=20, choices=NoteType.choices)
    occurred_on = models.DateField()
    summary = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    significant = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    objects = LiveNotes()
    all_objects = models.Manager()  # noqa: DJ012 - the live manager comes first: it is the default

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["family", "occurred_on"], name="casenote_family_idx"),
            models.Index(fields=["family", "significant", "occurred_on"], name="casenote_significant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_note_type_display()} on {self.occurred_on}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CaseNoteRevision(models.Model):
    """A note's earlier wording, kept when it is corrected or withdrawn, with who changed it, when and why."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    withdrawn = models.BooleanField(default=False)
    summary = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    reason = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["note", "made_at", "pk"]

    def __str__(self) -> str:
        return f"Revision {self.pk} of note {self.note_id}"
