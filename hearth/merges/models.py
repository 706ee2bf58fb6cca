"""A merge of two records of one person, with everything needed to undo it (`hearth.merges.services`)."""

from django.conf import settings
from django.db import models

from hearth.core.models import Council
from hearth.people.models import Person


class Merge(models.Model):
    """The `merged` record was merged into the `survivor`: what the survivor took from it, every row that moved,
    every row that could not move and why, and the survivor's details before, so that an unmerge puts both back."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_gone")
    reason = models.TextField()
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    # {field: value the survivor had} for each detail taken from the merged record; {field: value} of the unique
    # identifiers the merged record gave up to it.
    survivor_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    # [model label, row id, field] of each row moved to the survivor; rows removed because the survivor already had
    # one like it (serialised, to be put back); [model label, row id, why] of rows left with the merged record;
    # [address id, its end date before] of addresses the merge ended; [model label, row id] of rows it added.
    moved = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    kept = models.JSONField(default=list)
    ended = models.JSONField(default=list)
    added = models.JSONField(default=list)
    unmerged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(survivor=models.F("merged")), name="merge_two_records"),
            models.UniqueConstraint(fields=["merged"], condition=models.Q(unmerged_at__isnull=True),
                                    name="merge_once_at_a_time"),
        ]

    def __str__(self) -> str:
        return f"Merge {self.pk}"

    @property
    def is_undone(self) -> bool:
        return self.unmerged_at is not None
