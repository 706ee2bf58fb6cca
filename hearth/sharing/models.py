"""The information-sharing register: every decision to share or not to share information about a family.

Each entry records what, with whom, why, on what basis, who decided and when ("keep a record of every decision
to share or not to share, and why; if you share, what, with whom and for what purpose"). Entries are written
automatically whenever information leaves the system or is sent to someone (copies, meeting notes, referral
outcomes, closure notices: `hearth.sharing.services.disclosure_record`), when a practitioner asks to share with
an agency (`share_decide`, which records a refusal too) and by hand for shares and decisions made outside the
system (`entry_record`).

An entry may be marked "unsafe to disclose to the family", with a reason: it is then left out of what the
family is shown about the sharing of their information.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.accounts.models import Agency
from hearth.consent.models import LawfulBasis, ShareConsent
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
    ASSESSMENT_NOTICE = "assessment_notice", "Notice that an Early Help Assessment was completed"
    LEVEL_NOTICE = "level_notice", "Notice that the level of need went down"
    PLAN_NOTICE = "plan_notice", "Notice that a plan was agreed"
    MEETING_NOTICE = "meeting_notice", "Notice that a Team Around the Family meeting was recorded"
    CHRONOLOGY = "chronology", "Chronology"
    SHARE_DECISION = "share_decision", "A decision to share or not to share"
    REGISTER_EXPORT = "register_export", "Export of the information-sharing register"
    TRANSPARENCY_COPY = "transparency_copy", "The family's copy of what has been shared about them"
    SUBJECT_ACCESS = "subject_access", "Copy of a person's information for their subject access request"
    RIGHTS_NOTICE = "rights_notice", "Notice to a recipient of a correction, erasure or restriction"
    MERGE_NOTICE = "merge_notice", "Notice to a recipient that two records of one person were merged, or unmerged"
    RESEARCH_SHARE = "research_share", "Identifying details sent for national research linking"
    OTHER = "other", "Other"


class Decision(models.TextChoices):
    SHARED = "shared", "Shared"
    NOT_SHARED = "not_shared", "Not shared"


class Origin(models.TextChoices):
    AUTOMATIC = "automatic", "Recorded automatically"
    BY_HAND = "by_hand", "Recorded by hand"


class Delivery(models.TextChoices):
    """For an entry sent by email: whether the email has really gone (the outbox sends after the action)."""

    NOT_EMAILED = "", "Not sent by email"
    WAITING = "waiting", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class Disclosure(models.Model):
    """One entry of the information-sharing register. `disclosed_by` is who decided (or sent), `occurred_on` the
    date of the decision or share, `disclosed_at` when the entry was written."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(max_length=30, choices=DisclosureKind.choices)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.SHARED)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.AUTOMATIC)
    what = models.TextField()
    recipient = models.CharField(max_length=300)
    recipient_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=300)
    basis = models.CharField(max_length=300)
    basis_consent = models.ForeignKey(ShareConsent, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="register_entries")
    basis_lawful = models.ForeignKey(LawfulBasis, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="register_entries")
    not_shared_reason = models.TextField(blank=True)
    unsafe_to_disclose = models.BooleanField(default=False)
    unsafe_reason = models.TextField(blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    disclosed_at = models.DateTimeField(default=timezone.now)
    occurred_on = models.DateField(default=timezone.localdate)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True, default=Delivery.NOT_EMAILED)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-disclosed_at", "-pk"]
        indexes = [
            models.Index(fields=["family", "disclosed_at"], name="disclosure_family_idx"),
            models.Index(fields=["family", "occurred_on"], name="disclosure_family_date_idx"),
            models.Index(fields=["person", "occurred_on"], name="disclosure_person_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unsafe_to_disclose=False) | ~Q(unsafe_reason=""),
                                   name="disclosure_unsafe_needs_reason"),
            models.CheckConstraint(condition=Q(decision="shared") | ~Q(not_shared_reason=""),
                                   name="disclosure_not_shared_needs_reason"),
            models.CheckConstraint(condition=Q(basis_consent__isnull=True) | Q(basis_lawful__isnull=True),
                                   name="disclosure_one_basis_link"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"

    @property
    def decided_by(self):
        return self.disclosed_by

    @property
    def is_shared(self) -> bool:
        return self.decision == Decision.SHARED

    @property
    def is_automatic(self) -> bool:
        return self.origin == Origin.AUTOMATIC

    @property
    def with_whom(self) -> str:
        """The agency and the person or address, as one line ("Hill School: pat@hill.test")."""
        agency = self.recipient_agency.name if self.recipient_agency_id else ""
        if agency and self.recipient and self.recipient != agency:
            return f"{agency}: {self.recipient}"
        return agency or self.recipient
