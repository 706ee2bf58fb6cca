"""Councils and their profiles: each council's own wording and rules, held as data."""

from django.db import models


class ConsentModel(models.TextChoices):
    CONSENT = "consent", "Seeks the family's consent to share with partners"
    PUBLIC_TASK = "public_task", "Delivers Early Help under public task; tells the family who is involved"


class Council(models.Model):
    """A local authority. Its profile (levels, plan names, contacts, outcome areas...) is data.

    Several councils may share one Early Help service (Cambridgeshire and Peterborough).
    """

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100)
    service_name = models.CharField(max_length=200)
    consent_model = models.CharField(max_length=20, choices=ConsentModel.choices)
    review_interval_weeks = models.PositiveSmallIntegerField(default=6)
    levels = models.JSONField(default=list)
    plan_names = models.JSONField(default=dict)
    contacts = models.JSONField(default=dict)
    outcome_areas = models.JSONField(default=list)
    closure_reasons = models.JSONField(default=list)
    consent_questions = models.JSONField(default=dict)
    retention_rules = models.JSONField(default=list)
    privacy_explanation = models.TextField(blank=True)
    # The council's own process rules that are not wording (`rules:` in its profile, checked in core.profiles).
    rules = models.JSONField(default=dict, blank=True)
    # The council's part in the national Supporting Families programme (`supporting_families:` in its profile: its
    # descriptors of each headline need and how long progress must last); empty when it does not take part.
    supporting_families = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def level_name(self, number: int) -> str:
        for level in self.levels:
            if level["number"] == number:
                return level["name"]
        return f"Level {number}"

    def contact(self, key: str) -> str:
        return (self.contacts or {}).get(key, "")

    def rule(self, key: str, default=None):
        return (self.rules or {}).get(key, default)

    @property
    def takes_part_in_supporting_families(self) -> bool:
        return bool(self.supporting_families)


class Locality(models.Model):
    """An area team or locality of a council (Oxfordshire's LCSS North, Central, South)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="localities")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["council", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "code"], name="locality_code_unique")]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class SubmissionKey(models.Model):
    """A form's one-time key, claimed by the request that first submits it (hearth.web.once, decision record 0013).

    A repeat of the same submission (a double-click, a resubmitted page) finds the claim and is answered with the
    first one's result: where it redirected, with the messages it showed and what it left in the session. Kept for a
    day. `user_id` is the signed-in user's id, or empty for the public form (no foreign key: core sits below
    accounts)."""

    key = models.CharField(max_length=64)
    user_id = models.BigIntegerField(null=True, blank=True)
    redirect_url = models.CharField(max_length=2000, blank=True)
    messages = models.JSONField(default=list, blank=True)
    session = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"], condition=models.Q(user_id__isnull=False),
                                    name="submission_key_once_per_user"),
            models.UniqueConstraint(fields=["key"], condition=models.Q(user_id__isnull=True),
                                    name="submission_key_once_without_user"),
        ]

    def __str__(self) -> str:
        return f"One-time form key {self.pk}"
