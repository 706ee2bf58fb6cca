"""The national Supporting Families programme, as one family's record holds it.

- `Need`: one of the ten headline needs (`hearth.core.programme.HEADLINE_NEEDS`) that applies to the family, with the
  council's descriptor, the evidence, and who it is mostly about. A family with three or more current needs is
  eligible; the day its third need was identified is the day it joined the programme.
- `Progress`: whether the family made significant and sustained progress against one need, judged twice: when the
  episode closed, and again once the council's sustained period has passed. Each judgement has its evidence and
  who confirmed it; a judgement made again (new evidence) is added, and the latest counts.
- `Claim`: the council's team's check of a family whose every need shows progress at both judgements, accepted (to
  be claimed in the quarter it was accepted) or rejected with the reason. A rejected family comes back to the list
  when progress is judged again after the rejection; an accepted family is claimed once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.cases.models import Episode
from hearth.core.programme import HEADLINE_NEEDS
from hearth.people.models import Family, Person

NEED_CHOICES = list(HEADLINE_NEEDS.items())


class Need(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="programme_needs")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    need = models.CharField(max_length=40, choices=NEED_CHOICES)
    descriptor = models.CharField(max_length=60, blank=True)  # a descriptor code from the council's profile
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField()
    identified_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    removed_on = models.DateField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The latest judgement of each stage (its `Progress` rows are the history), kept here so that the claims list and
    # the quarterly return are one query at a county's size: None while not yet judged.
    progress_at_closure = models.BooleanField(null=True)
    progress_sustained = models.BooleanField(null=True)
    sustained_on = models.DateField(null=True, blank=True)
    judged_at = models.DateTimeField(null=True, blank=True)  # when its latest judgement was recorded

    class Meta:
        ordering = ["identified_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["family", "need"], condition=Q(removed_on__isnull=True),
                                    name="programme_need_once"),
            models.CheckConstraint(condition=Q(removed_on__isnull=True) | ~Q(removed_reason=""),
                                   name="programme_need_removed_with_reason"),
        ]
        indexes = [models.Index(fields=["family", "identified_on"], name="programme_need_family_idx")]

    def __str__(self) -> str:
        return self.get_need_display()

    @property
    def is_current(self) -> bool:
        return self.removed_on is None


class Stage(models.TextChoices):
    CLOSURE = "closure", "When the episode closed"
    SUSTAINED = "sustained", "After the sustained period"


class Progress(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="progress")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    made = models.BooleanField("Significant and sustained progress")
    evidence = models.TextField()
    confirmed_by = models.CharField(max_length=200)  # who confirmed it, and from what source
    judged_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["judged_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {'progress' if self.made else 'no progress'}"


class ClaimDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Claim(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="programme_claims")
    needs = models.JSONField(default=list)  # the headline needs it covers, as they were when it was checked
    decision = models.CharField(max_length=20, choices=ClaimDecision.choices)
    reason = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_on = models.DateField()
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checked_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["family"], condition=Q(decision="accepted"), name="programme_claim_once"),
            models.CheckConstraint(condition=Q(decision="accepted") | ~Q(reason=""),
                                   name="programme_claim_rejected_with_reason"),
        ]

    def __str__(self) -> str:
        return f"Claim {self.get_decision_display().lower()} on {self.checked_on}"
