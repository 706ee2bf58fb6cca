"""Subject access requests: a person's right to a copy of everything held about them (UK GDPR Article 15).

The council's data protection officer records the request, checks the requester's identity, compiles everything
held about the subject (`compile.py`), withholds what must not go out (other people's information, information
given by someone who has not agreed to its release) and releases a tagged PDF and a JSON export, free, within one
calendar month of receipt (extendable once, by up to two further months, with a reason). The deadline is the ICO's
rule, stated once in `hearth.core.working_days.sar_deadline`: the corresponding date next month (or that month's
last day), moved to the next working day when it falls on a weekend or an English bank holiday.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.core.working_days import add_months, sar_deadline
from hearth.people.models import Person

DUE_DATE_MESSAGE = "The due date can only change by recording an extension"
MAX_EXTENSION_MONTHS = 2


__all__ = ["add_months", "due_date"]


def due_date(received: date, extension_months: int = 0) -> date:
    """When a subject access request must be answered: one calendar month from receipt, or, with an extension of
    one or two further months, that many months more, counted the same way from the date of receipt; a deadline
    on a weekend or an English bank holiday moves to the next working day (`working_days.sar_deadline`)."""
    if extension_months not in range(MAX_EXTENSION_MONTHS + 1):
        raise ValueError("An extension is one or two months")
    return sar_deadline(received, 1 + extension_months)


class RequesterRelationship(models.TextChoices):
    SELF = "self", "The person themselves"
    PARENT = "parent", "A parent or carer, for a young child"
    YOUNG_PERSON = "young_person", "A young person, for themselves"
    REPRESENTATIVE = "representative", "A representative acting with the person's authority (for example a solicitor)"


class VerificationMethod(models.TextChoices):
    PHOTO_ID = "photo_id", "Photo identification seen (passport or driving licence)"
    DOCUMENTS = "documents", "Documents showing their name and address (for example a bill or bank statement)"
    KNOWN_IN_PERSON = "known_in_person", "Known to the service and confirmed in person"
    PARENTAL_RESPONSIBILITY = "parental_responsibility", "The parent's identity and their parental responsibility"
    AUTHORITY = "authority", "The representative's identity and the person's signed authority"
    OTHER = "other", "Another way (described in the note)"


class SarStatus(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Released"
    CLOSED = "closed", "Closed without release"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"


class SubjectAccessRequest(models.Model):
    """One request for a copy of the information held about `subject`.

    `due_on` is `due_date(received_on, extension_months)`: it is set when the request is recorded and changes only
    when an extension is recorded (`save` refuses anything else). A request saved again with its dates unchanged
    keeps the due date it was given, even if the bank-holiday list has since changed (a newly announced holiday)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="subject_access_requests")
    reference = models.CharField(max_length=30)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(max_length=20, choices=RequesterRelationship.choices)
    on_behalf_of = models.CharField(max_length=300, blank=True)
    requester_contact = models.TextField(blank=True)  # where the copy is to go: an address or email
    # Identity
    verification_method = models.CharField(max_length=30, choices=VerificationMethod.choices, blank=True)
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    # Dates
    received_on = models.DateField()
    due_on = models.DateField()
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    extended_at = models.DateTimeField(null=True, blank=True)
    # Status
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.OPEN)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    close_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="sar_queue_idx")]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="sar_reference_unique"),
            models.CheckConstraint(condition=Q(extension_months__in=[0, 1, 2]), name="sar_extension_0_to_2"),
            models.CheckConstraint(condition=Q(extension_months=0) | ~Q(extension_reason=""),
                                   name="sar_extension_needs_reason"),
            models.CheckConstraint(condition=Q(due_on__gt=models.F("received_on")), name="sar_due_after_receipt"),
            models.CheckConstraint(condition=~Q(status="released") | Q(released_at__isnull=False),
                                   name="sar_released_has_time"),
            models.CheckConstraint(condition=Q(verified_at__isnull=True) | ~Q(verification_method=""),
                                   name="sar_verified_has_method"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if (self._dates() != getattr(self, "_loaded_dates", None)
                and self.due_on != due_date(self.received_on, self.extension_months)):
            raise ValueError(DUE_DATE_MESSAGE)
        super().save(*args, **kwargs)
        self._loaded_dates = self._dates()

    @classmethod
    def from_db(cls, db, field_names, values):
        sar = super().from_db(db, field_names, values)
        sar._loaded_dates = sar._dates()
        return sar

    def _dates(self) -> tuple:
        return (self.__dict__.get("received_on"), self.__dict__.get("due_on"), self.__dict__.get("extension_months"))

    @property
    def is_open(self) -> bool:
        return self.status == SarStatus.OPEN

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_extended(self) -> bool:
        return self.extension_months > 0

    def days_left(self, today=None) -> int:
        """Days until the due date (negative when overdue)."""
        return (self.due_on - (today or timezone.localdate())).days

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.days_left(today) < 0


class WithholdingReason(models.TextChoices):
    THIRD_PARTY = "third_party", "Information about another person"
    THIRD_PARTY_SOURCE = "third_party_source", "Information given by someone else who has not agreed to its release"
    SERIOUS_HARM = "serious_harm", "Releasing it would be likely to cause serious harm"
    OTHER_EXEMPTION = "other_exemption", "Another exemption in the Data Protection Act 2018 (described in the note)"


class Withholding(models.Model):
    """One compiled item, or one field of an item, left out of the released bundle, with the reason.

    `item_key` names the item (`casenote:12`) or one of its fields (`casenote:12:body`); see `compile.py`."""

    sar = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="withholdings")
    item_key = models.CharField(max_length=120)
    reason = models.CharField(max_length=30, choices=WithholdingReason.choices)
    note = models.TextField(blank=True)
    withheld_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withheld_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["withheld_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["sar", "item_key"], name="withholding_item_unique")]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.get_reason_display()}"


class ReleasedBundle(models.Model):
    """Exactly what was released: the PDF and the JSON export, kept so the DPO can download them again."""

    sar = models.OneToOneField(SubjectAccessRequest, on_delete=models.CASCADE, related_name="bundle")
    pdf = models.BinaryField()
    json = models.TextField()
    items = models.PositiveIntegerField(default=0)
    withheld = models.PositiveIntegerField(default=0)
    pdf_sha256 = models.CharField(max_length=64)
    json_sha256 = models.CharField(max_length=64)
    released_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Bundle for {self.sar_id}"
