"""Requests for support, step-up referrals to MASH, step down from social care, immediate-risk contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.cases.models import Episode
from hearth.core.models import Council
from hearth.people.models import Family


class ReferralKind(models.TextChoices):
    REQUEST = "request", "Request for support"
    STEP_UP = "step_up", "Step up to MASH (multi-agency referral)"


class RequesterKind(models.TextChoices):
    PRACTITIONER = "practitioner", "A practitioner on the family's behalf"
    PARENT = "parent", "A parent or carer"
    YOUNG_PERSON = "young_person", "A young person"


class ReferralStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting_screening", "Waiting for screening"
    DECIDED = "decided", "Decision made"


class Decision(models.TextChoices):
    ADVICE = "advice", "Advice and information only"
    CONSENT_FIRST = "consent_first", "Obtain the family's consent first"
    EARLY_HELP_PLAN = "early_help_plan", "An Early Help plan is needed"
    SOCIAL_WORK_ASSESSMENT = "social_work_assessment", "A social-work (single) assessment"
    EMERGENCY = "emergency", "An emergency response"


class AgreementMethod(models.TextChoices):
    WRITTEN = "written", "In writing"
    VERBAL = "verbal", "Verbally"
    NOT_YET = "not_yet", "Not yet asked"


class SameDayTrigger(models.TextChoices):
    """The situations in which Oxfordshire's guidance asks for a response from MASH on the same working day
    ("Response on same working day if:", its Early Help Assessment guidance, section 1.5), in its own words. Every
    council profile Hearth ships lists the same five in its `mash_same_day_guidance`."""

    ABUSE = "abuse", "There are allegations or concerns that the child has been sexually or physically abused"
    SEVERE_NEGLECT = "severe_neglect", ("There are concerns that the child is suffering from severe neglect or other "
                                        "severe health risks")
    FRIGHTENED = "frightened", "The child is frightened to return home"
    IMMEDIATE_RISK = "immediate_risk", ("There is concern that the child is living in, or will be returned to, a "
                                        "situation that may place them at immediate risk")
    ABANDONED = "abandoned", "The child has been abandoned or the parent is absent"


class Urgency(models.IntegerChoices):
    """How soon the front door should respond, highest first (the queue sorts by this number). Derived, never
    chosen: `hearth.referrals.urgency.urgency_for` is the rule."""

    SAME_DAY = 1, "Same working day"
    NEXT_WORKING_DAY = 2, "Within 1 working day"
    ROUTINE = 3, "Routine"


# The GOV.UK tag colour of each urgency.
URGENCY_TAG_COLOUR = {Urgency.SAME_DAY: "red", Urgency.NEXT_WORKING_DAY: "orange", Urgency.ROUTINE: "grey"}


class Referral(models.Model):
    """A request for support (from a practitioner or the family) or a step-up referral to MASH.

    Both land in the council's Early Help / MASH queue and are screened the same way.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="referrals")
    reference = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=20, choices=ReferralKind.choices, default=ReferralKind.REQUEST)
    status = models.CharField(max_length=30, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_SCREENING)
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    # Who is asking
    requester_kind = models.CharField(max_length=20, choices=RequesterKind.choices)
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_relationship = models.CharField(max_length=200, blank=True)
    requester_agency = models.CharField(max_length=200, blank=True)  # a practitioner's agency when they asked
    # Who it is about, as given by the person asking (a public request has no family record yet)
    family_details = models.TextField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # What and why
    concerns = models.TextField()
    tried_already = models.TextField(blank=True)
    hoped_for = models.TextField(blank=True)
    family_agrees = models.BooleanField(null=True)
    agreement_method = models.CharField(max_length=20, choices=AgreementMethod.choices, blank=True)
    agreement_given_by = models.CharField(max_length=200, blank=True)
    # Step up: was consent sought, and if not, why
    consent_sought = models.BooleanField(null=True)
    consent_not_sought_reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # Urgency: the same-working-day situations the referrer said apply (SameDayTrigger values, in the choices'
    # order), and the urgency derived from them and the kind (hearth.referrals.urgency).
    same_day_triggers = models.JSONField(default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.ROUTINE)
    # Screening
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    level_reasons = models.TextField(blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    named_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_message = models.TextField(blank=True)
    outcome_told_at = models.DateTimeField(null=True, blank=True)
    outcome_told_how = models.CharField(max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["council", "status", "received_at"], name="referral_queue_idx"),
            # The screening queue: most urgent first, then oldest first.
            models.Index(fields=["council", "status", "urgency", "received_at"], name="referral_urgency_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=4), name="referral_level_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def urgency_tag_colour(self) -> str:
        return URGENCY_TAG_COLOUR.get(self.urgency, "grey")

    def get_same_day_triggers_display(self) -> list[str]:
        """The same-working-day situations ticked, in the guidance's words and order."""
        ticked = set(self.same_day_triggers or ())
        return [label for value, label in SameDayTrigger.choices if value in ticked]


class ScreeningToolKind(models.TextChoices):
    """The tools a practitioner completes that show the level of risk rising, sent to MASH with a step-up
    (Gloucestershire's guidance names the CSE Screening Tool, the Neglect Toolkit and the disability screening
    tool)."""

    CSE = "cse", "Child sexual exploitation (CSE) screening tool"
    NEGLECT = "neglect", "Neglect Toolkit"
    DISABILITY = "disability", "Disability screening tool"
    OTHER = "other", "Other"


# How each tool is named inside a sentence ("Enter the date the Neglect Toolkit was completed").
SCREENING_TOOL_IN_A_SENTENCE = {
    ScreeningToolKind.CSE: "the CSE screening tool",
    ScreeningToolKind.NEGLECT: "the Neglect Toolkit",
    ScreeningToolKind.DISABILITY: "the disability screening tool",
}


class ScreeningTool(models.Model):
    """A screening tool completed for the family (the CSE screening tool, the Neglect Toolkit...), sent to MASH with
    a step-up referral as evidence that the risk has risen: which tool, when, by whom, and what it found."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="screening_tools")
    position = models.PositiveSmallIntegerField()  # the order the referrer gave them in, from 1
    tool = models.CharField(max_length=20, choices=ScreeningToolKind.choices)
    other_name = models.CharField(max_length=200, blank=True)  # the tool's name, for "Other"
    completed_on = models.DateField()
    completed_by = models.CharField(max_length=200)
    findings = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referral", "position"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "position"], name="screening_tool_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The tool's name: its own for "Other"."""
        return self.other_name if self.tool == ScreeningToolKind.OTHER else self.get_tool_display()


class StepDown(models.Model):
    """A transfer from a Child in Need plan to Early Help, with the social-work history handed over."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="step_downs")
    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="step_down")
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    new_lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    cin_plan_ended_on = models.DateField()
    single_assessment = models.TextField()
    cin_plan = models.TextField()
    handover_meeting_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Step down on {self.recorded_at:%Y-%m-%d}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Secure email"
    IN_PERSON = "in_person", "In person"


class ImmediateRiskContact(models.Model):
    """A same-working-day contact with MASH about a child at immediate risk. Never blocked by consent."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="mash_contacts")
    contacted_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    spoke_to = models.CharField(max_length=200, blank=True)
    concern = models.TextField()
    advice = models.TextField(blank=True)
    mash_reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at"]

    def __str__(self) -> str:
        return f"MASH contact on {self.contacted_at:%Y-%m-%d}"
