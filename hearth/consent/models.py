"""Consent, kept apart by kind: the family's agreement to receive Early Help; each person's consent to share,
with its scope; a lawful basis for sharing without consent; and a decision not to seek consent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.accounts.models import Agency, AgencyKind
from hearth.people.models import Family, Person


class GiverKind(models.TextChoices):
    PARENT_WITH_PR = "parent_pr", "A parent or carer with parental responsibility"
    PARENT_WITHOUT_PR = "parent_no_pr", "A parent or carer without parental responsibility"
    YOUNG_PERSON = "young_person", "A young person able to decide for themselves"
    ADULT = "adult", "An adult giving their own consent"


class OwnDecision(models.TextChoices):
    """Why a young person's own agreement or consent counts (`hearth.consent.own_decision`)."""

    PRESUMED = "presumed", "16 or over, so presumed able to decide"
    COMPETENCE = "competence", "Judged able to understand and decide (Gillick competence)"
    REASON = "reason", "Under 12, with a reason recorded"


class _OwnDecisionFields(models.Model):
    """What was recorded when a young person decided for themselves: the basis, the practitioner's note (their
    judgement of competence, or the reason), who judged and on what day."""

    own_decision = models.CharField(max_length=20, choices=OwnDecision.choices, blank=True)
    own_decision_note = models.TextField(blank=True)
    own_decision_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    own_decision_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class Method(models.TextChoices):
    WRITTEN = "written", "In writing (a signed form)"
    VERBAL = "verbal", "Verbally"


class Agreement(_OwnDecisionFields):
    """The family's agreement to receive Early Help (the service is voluntary). Not consent to share."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="agreements")
    given_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    giver_kind = models.CharField(max_length=20, choices=GiverKind.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    form_reference = models.CharField(max_length=100, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_how = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Agreement to Early Help on {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ShareConsent(_OwnDecisionFields):
    """One person's consent to share their information: with whom, for what, until when."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="share_consents")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="share_consents")
    given_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    giver_kind = models.CharField(max_length=20, choices=GiverKind.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    form_reference = models.CharField(max_length=100, blank=True)
    # Purposes
    for_assessment_planning = models.BooleanField("Assessment and planning", default=False)
    for_named_partners = models.BooleanField("Sharing with the partners named", default=False)
    for_council_storage = models.BooleanField("Storage on the council's systems", default=False)
    for_supporting_families = models.BooleanField("The national Supporting Families programme", default=False)
    research_opt_out = models.BooleanField("Opted out of national research linking", default=False)
    limits = models.TextField(blank=True)
    review_by = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_how = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [
            models.Index(fields=["family", "withdrawn_on"], name="shareconsent_family_idx"),
            # Active consents past their review-by date are found from here (hearth.consent.due).
            models.Index(fields=["review_by"], condition=Q(withdrawn_on__isnull=True, review_by__isnull=False),
                         name="shareconsent_review_idx"),
        ]

    def __str__(self) -> str:
        return f"Consent to share of person {self.person_id} on {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ConsentScope(models.Model):
    """Who a consent covers (an agency, or every agency of a kind), or, when `excluded`, who it must not reach
    ("not with the school")."""

    consent = models.ForeignKey(ShareConsent, on_delete=models.CASCADE, related_name="scopes")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency_kind = models.CharField(max_length=30, choices=AgencyKind.choices, blank=True)
    excluded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(agency_kind="")) | (Q(agency__isnull=True) & ~Q(agency_kind="")),
                name="consent_scope_agency_or_kind",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "excluded"], name="consentscope_agency_idx"),
            models.Index(fields=["agency_kind", "excluded"], name="consentscope_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{'Not ' if self.excluded else ''}{self.agency or self.get_agency_kind_display()}"


class BasisKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding: a risk of significant harm"
    CRIME = "crime", "The prevention or detection of crime"
    COURT_ORDER = "court_order", "A court order"
    STATUTORY_DUTY = "statutory_duty", "Another statutory duty"
    PUBLIC_TASK = "public_task", "Public task"


class LawfulBasis(models.Model):
    """Sharing without consent, on a recorded lawful basis: the reason, who decided, a manager's confirmation.
    It covers the agencies in its scope, or every agency working with the family when `all_agencies`."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="lawful_bases")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=BasisKind.choices)
    reason = models.TextField()
    all_agencies = models.BooleanField(default=False)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name_plural = "lawful bases"

    def __str__(self) -> str:
        return self.get_kind_display()


class NotSoughtDecision(models.Model):
    """A recorded decision not to seek consent because seeking it would increase the risk to the child."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="not_sought_decisions")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # The manager's advice the decision was taken with: a manager of the council chosen from the list, or the name
    # of someone not on it; the day they advised, and what they said. Required where the council's profile says so
    # (`consent_questions.no_consent_needs_manager_advice`).
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    manager_name = models.CharField(max_length=200, blank=True)
    advised_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Consent not sought ({self.decided_at:%Y-%m-%d})"

    @property
    def manager_consulted(self) -> str:
        return self.manager.full_name if self.manager_id else self.manager_name
