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
