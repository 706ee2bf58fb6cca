"""Disclosures: every time information about a family leaves the system or is sent to someone.

This is the automatic half of the information-sharing register; decisions not to share and hand-made
entries join it with the consent work.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.accounts.models import Agency
from hearth.people.models import Family, Person


class DisclosureKind(models.TextChoices):
    ASSESSMENT_COPY = "assessment_copy", "Copy of the assessment"
    PLAN_COPY = "plan_copy", "Copy of the plan"
    REVIEW_COPY = "review_copy", "Copy of a review"
    TAF_NOTES = "taf_notes", "Team Around the Family meeting notes"
    TAF_INVITATION = "taf_invitation", "Invitation to a Team Around the Family meeting"
    STEP_UP_BUNDLE = "step_up_bundle", "Step-up referral to MASH with the family's documents"
    REFERRAL_OUTCOME = "referral_outcome", "Outcome of a request for support"
    CLOSURE_NOTICE = "closure_notice", "Notice that Early Help has closed"
    CHRONOLOGY = "chronology", "Chronology"
    OTHER = "other", "Other"


class Disclosure(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(max_length=30, choices=DisclosureKind.choices)
    what = models.TextField()
    recipient = models.CharField(max_length=300)
    recipient_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=300)
    basis = models.CharField(max_length=300)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    disclosed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disclosed_at", "-pk"]
        indexes = [models.Index(fields=["family", "disclosed_at"], name="disclosure_family_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"
