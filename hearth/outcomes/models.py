"""Outcome scores: the council's ten areas, scored 1 to 10 at assessment and at every review."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.cases.models import Episode


class ReadingContext(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    REVIEW = "review", "Review"
    CHECK_IN = "check_in", "Check-in"


class Reading(models.Model):
    """One set of scores taken on one day."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="readings")
    taken_on = models.DateField()
    context = models.CharField(max_length=20, choices=ReadingContext.choices)
    assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.CASCADE, related_name="readings"
    )
    review = models.OneToOneField(
        "plans.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="reading"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "pk"]
        indexes = [models.Index(fields=["episode", "taken_on"], name="reading_episode_idx")]

    def __str__(self) -> str:
        return f"Scores on {self.taken_on}"


class Score(models.Model):
    """The agreed (or worker's) score for one area; the family's own score is kept when it differs."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="scores")
    area = models.CharField(max_length=60)  # an outcome-area code from the council's profile
    score = models.PositiveSmallIntegerField()
    family_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["reading", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "area"], name="score_area_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="score_1_to_10"),
            models.CheckConstraint(
                condition=Q(family_score__isnull=True) | Q(family_score__gte=1, family_score__lte=10),
                name="family_score_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.score}"
