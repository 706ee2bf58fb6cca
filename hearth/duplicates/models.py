"""The council's queue of people who may be recorded twice, found in batch by Splink (`hearth.duplicates.batch`).

- `DuplicateRun`: one run of the data protection officer's job over the council's people: who started it, when it
  finished, how many people it read and pairs it kept, and the model it learned (Splink's m, u and λ: probabilities
  per comparison level, no personal data), and in plain English what it could not use (a comparison left out because
  no one has that detail) or why it did not run at all (refused: no one has a date of birth, say).
- `DuplicatePair`: two people a run found alike (person_a's id below person_b's), with the match weight, the
  probability and the evidence in plain English, waiting for the officer's decision: confirmed the same person,
  rejected with a reason ("not the same person"), or merged (by the merging work, which sets it).

A new run replaces the pairs still waiting from the council's earlier runs. A pair once rejected is not offered
again unless a later run weighs it higher than when it was rejected (`services.save_run`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.core.models import Council
from hearth.people.models import Person


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Not run"


class DuplicateRun(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    trained_model = models.JSONField(default=dict, blank=True)  # Splink's m, u and λ only
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    # Plain English for the officer, no personal data: each comparison the run could not use and why, or why it was
    # not run.
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.get_status_display()})"


class PairStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    CONFIRMED = "confirmed", "The same person"
    REJECTED = "rejected", "Not the same person"
    MERGED = "merged", "Merged"


class DuplicatePair(models.Model):
    run = models.ForeignKey(DuplicateRun, on_delete=models.CASCADE, related_name="found")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    probability = models.FloatField()
    # [{"reason": "same date of birth", "for": true}, {"reason": "a different postcode", "for": false}]
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=PairStatus.choices, default=PairStatus.WAITING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_weight", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], condition=Q(status="waiting"),
                                    name="duplicate_pair_waiting_once"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]
        indexes = [
            # The queue: the council's waiting pairs, best first, a keyset page at a time.
            models.Index(fields=["council", "status", "-match_weight", "id"], name="duplicate_pair_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"Pair {self.pk} ({self.get_status_display()})"
