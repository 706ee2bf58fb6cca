"""Who is involved with a family, and how: the relationships the access policy is built on."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.people.models import Family


class InvolvedAs(models.TextChoices):
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    TAF_MEMBER = "taf_member", "Team Around the Family member"
    CONTRIBUTOR = "contributor", "Invited to contribute to the assessment"
    MASH = "mash", "MASH, holding a referral"
    SOCIAL_WORK = "social_work", "Social worker, holding a step-down or assessment"


class Involvement(models.Model):
    """A practitioner's involvement with a family. Ended involvements keep their history."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="involvements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="involvements")
    relationship = models.CharField(max_length=30, choices=InvolvedAs.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["user", "ended_at"], name="involvement_user_idx"),
            models.Index(fields=["family", "ended_at"], name="involvement_family_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "user", "relationship"],
                condition=models.Q(ended_at__isnull=True),
                name="involvement_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_relationship_display()} – {self.family}"


class BreakGlass(models.Model):
    """Opening a family outside the policy in an emergency, with a reason: time-limited, shown on the record
    and raised for review by the data protection officer and the user's manager."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "family", "expires_at"], name="breakglass_active_idx"),
            # Uses waiting for review, oldest first (hearth.access.due).
            models.Index(fields=["started_at"], condition=models.Q(reviewed_at__isnull=True),
                         name="breakglass_unreviewed_idx"),
        ]

    def __str__(self) -> str:
        return f"Break-glass access {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class Route(models.TextChoices):
    """How a stored grant was derived (see `hearth.access.grants`)."""

    INVOLVED = "involved", "Working with the family"
    CONTRIBUTOR = "contributor", "Invited to contribute a part of the assessment"
    MANAGER = "manager", "Manager of a practitioner working with the family"
    BREAK_GLASS = "break_glass", "Break-glass access"


class Grant(models.Model):
    """A stored access decision: the user may reach the family by this route, with these limits, until
    `expires_at` (never, when empty). Derived from involvements, consent, lawful bases, teams and break-glass
    by `hearth.access.grants` in the same transaction as the change it follows; never written elsewhere.
    `via_user` is whose involvement a manager's grant comes through (the user themselves otherwise)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+", db_index=False)
    route = models.CharField(max_length=20, choices=Route.choices)
    via_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 db_index=False)
    part_only = models.BooleanField(default=False)
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "family", "route", "via_user"], name="grant_unique"),
        ]
        indexes = [
            models.Index(fields=["family", "user"], name="grant_family_idx"),
            models.Index(fields=["via_user"], name="grant_via_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()}: user {self.user_id}, family {self.family_id}"
