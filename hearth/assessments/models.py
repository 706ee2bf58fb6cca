"""The Early Help Assessment: sections, each child's view, professional views; draft then completed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.cases.models import Episode
from hearth.people.models import Family, Person


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Not completed (the episode closed first)"


class SectionKey(models.TextChoices):
    """The sections of the assessment (Oxfordshire's guidance), in the order they are written."""

    BACKGROUND = "background", "Family background and reason for the assessment"
    PARENTS_VIEW = "parents_view", "Parents' and carers' view"
    STRENGTHS = "strengths", "Summary: strengths"
    NEEDS = "needs", "Summary: needs"
    DESIRED_OUTCOMES = "desired_outcomes", "How will we know we've been successful?"


# Sections that must have content before an assessment can be completed.
REQUIRED_SECTIONS = (SectionKey.BACKGROUND,)


class Assessment(models.Model):
    """One version of a family's assessment. Only one draft per family at a time (a database constraint);
    a completed version is locked, and later changes make a new version."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="assessments")
    number = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["episode", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(status="draft"), name="assessment_one_draft_per_family"
            ),
            models.UniqueConstraint(fields=["episode", "number"], name="assessment_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.number} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


class Section(models.Model):
    """One section's text, facts kept apart from opinions. `version` guards against overwriting."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=30, choices=SectionKey.choices)
    facts = models.TextField(blank=True)
    opinions = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="section_key_unique")]

    def __str__(self) -> str:
        return self.get_key_display()


class ViewMethod(models.TextChoices):
    THREE_HOUSES = "three_houses", "Three Houses"
    WIZARDS_AND_FAIRIES = "wizards_and_fairies", "Wizards and Fairies"
    WISHES_AND_FEELINGS = "wishes_and_feelings", "Wishes and Feelings"
    WHY_WORRY = "why_worry", "Why Worry"
    OBSERVATION = "observation", "Observation"
    CONVERSATION = "conversation", "Direct conversation"


class ChildView(models.Model):
    """The voice of one child in the family: what they said or showed, and how it was gathered."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="child_views")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=30, choices=ViewMethod.choices, blank=True)
    in_their_words = models.TextField(blank=True)  # fact: what the child said, drew or did
    worker_reflection = models.TextField(blank=True)  # opinion: what the practitioner makes of it
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "child"], name="child_view_unique")]

    def __str__(self) -> str:
        return f"View of child {self.child_id}"


class ContributionStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    SUBMITTED = "submitted", "Submitted"
    DECLINED = "declined", "Declined"


class Contribution(models.Model):
    """A professional view from a named practitioner of another agency, kept as its own part."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions")
    agency_name = models.CharField(max_length=200)  # the author's agency when invited, kept if they move
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    request_note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ContributionStatus.choices, default=ContributionStatus.INVITED)
    facts = models.TextField(blank=True)
    opinions = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "invited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "author"], name="contribution_author_unique")]

    def __str__(self) -> str:
        return f"Professional view from {self.agency_name}"
