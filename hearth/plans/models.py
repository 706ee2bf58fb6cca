"""Team Around the Family meetings, the SMART plan (outcomes and actions) and reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.accounts.models import Agency
from hearth.cases.models import Episode
from hearth.people.models import Person


class LiveManager(models.Manager):
    """Items still standing: a withdrawn item is left out of the plan, the review form, new copies and the lists.
    Its history is read through `all_objects`; related lookups (a review's outcome) still reach it."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawable(models.Model):
    """An item a practitioner added that can be withdrawn with a reason: kept, shown as withdrawn, never live."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 - the live manager comes first: it is the default

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class MeetingKind(models.TextChoices):
    INITIAL = "initial", "Team Around the Family meeting"
    REVIEW = "review", "Review meeting"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(Withdrawable):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.INITIAL)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    scheduled_for = models.DateTimeField()
    location = models.CharField(max_length=200)
    family_views = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    needs = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    agreed_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True)
    notes_sent_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Why the next review is later than the council's interval (`cases.review_dates.later_than_interval`).
    review_date_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_for:%Y-%m-%d}"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class Invitation(models.Model):
    """A practitioner or a family member invited to a meeting (young people to their own)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=20, choices=Attendance.choices, default=Attendance.INVITED)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(user__isnull=False) & Q(person__isnull=True)) | (Q(user__isnull=True) & Q(person__isnull=False))
                ),
                name="invitation_user_or_person",
            ),
            models.UniqueConstraint(fields=["meeting", "user"], name="invitation_user_unique"),
            models.UniqueConstraint(fields=["meeting", "person"], name="invitation_person_unique"),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class ChildMeetingView(models.Model):
    """Each child's view recorded at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="child_views")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    views = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "child"], name="meeting_child_view_unique")]

    def __str__(self) -> str:
        return f"View of child {self.child_id}"


class OutcomeStatus(models.TextChoices):
    OPEN = "open", "Working towards"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


class PlanOutcome(Withdrawable):
    """A desired outcome of the plan: how the family will know things are better."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plan_outcomes")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField()
    area = models.CharField(max_length=60, blank=True)  # an outcome-area code from the council's profile
    status = models.CharField(max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["episode", "pk"]

    def __str__(self) -> str:
        return f"Outcome {self.pk}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    TRANSFERRED = "transferred", "Passed to another service"


OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class Action(Withdrawable):
    """What, who (a practitioner, an agency or a family member), by when, and how it is going."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="actions")
    outcome = models.ForeignKey(PlanOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    what = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    status_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["episode", "status", "due_on"], name="action_due_idx"),
            # Open actions are walked in date order from here (keyset pages of due work).
            models.Index(fields=["due_on", "id"], condition=Q(status__in=OPEN_ACTION_STATUSES),
                         name="action_open_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(owner_user__isnull=False) & Q(owner_agency__isnull=True) & Q(owner_person__isnull=True))
                    | (Q(owner_user__isnull=True) & Q(owner_agency__isnull=False) & Q(owner_person__isnull=True))
                    | (Q(owner_user__isnull=True) & Q(owner_agency__isnull=True) & Q(owner_person__isnull=False))
                ),
                name="action_exactly_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"

    @property
    def owner(self):
        return self.owner_user or self.owner_agency or self.owner_person

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    STEP_DOWN = "step_down", "Step down to a lower level"
    STEP_UP = "step_up", "Step up"
    CLOSE = "close", "Close"


class Review(models.Model):
    """A review of the plan: progress against each outcome, new scores, and the decision."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="reviews")
    meeting = models.OneToOneField(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="review")
    held_on = models.DateField()
    summary = models.TextField()
    family_views = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    new_level = models.PositiveSmallIntegerField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    review_date_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["episode", "held_on"], name="review_episode_idx")]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"


class Progress(models.TextChoices):
    NOT_MET = "not_met", "Not met"
    PARTLY_MET = "partly_met", "Partly met"
    MET = "met", "Met"


class OutcomeProgress(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "outcome"], name="progress_unique")]

    def __str__(self) -> str:
        return f"{self.get_progress_display()}"


class CorrectionKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    ACTION = "action", "Action"
    MEETING = "meeting", "Meeting record"


class CorrectionChange(models.TextChoices):
    CORRECTED = "corrected", "Corrected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Correction(models.Model):
    """One correction or withdrawal of an item in the plan or a meeting's record, with why and the wording it had
    before (`earlier`: label and text pairs). Append-only: the item's history is its corrections in order."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=CorrectionKind.choices)
    object_id = models.PositiveIntegerField()
    change = models.CharField(max_length=20, choices=CorrectionChange.choices)
    earlier = models.JSONField(default=list)
    reason = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["kind", "object_id"], name="correction_item_idx")]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.kind} {self.object_id}"
