import datetime
import re
import time

from django import forms
from django.core import signing
from django.utils import timezone

from hearth.accounts.models import User
from hearth.cases.models import EpisodeReason
from hearth.core import identifiers
from hearth.people.models import MemberRole
from hearth.referrals import urgency
from hearth.referrals.models import (
    AgreementMethod,
    ContactMethod,
    Decision,
    ReferralKind,
    RequesterKind,
    SameDayTrigger,
    ScreeningToolKind,
)
from hearth.referrals.statutory import (
    COMPLETED_BY_LENGTH,
    FINDINGS_LENGTH,
    TOOL_NAME_LENGTH,
    ScreeningToolEntry,
)
from hearth.web.forms import DOCUMENT_TEXT, GovDateField, GovForm, text_area, text_field

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_field(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None,
                                  widget=forms.RadioSelect, error_messages={"required": required_message}, **kwargs)


def level_choices(council, *, max_level: int = 4) -> list[tuple[int, str]]:
    return [(n, f"Level {n}: {council.level_name(n)}") for n in range(1, max_level + 1)]


def same_day_triggers_field() -> forms.MultipleChoiceField:
    """The situations in which MASH responds on the same working day, as checkboxes in the guidance's words. None
    ticked means none applies."""
    return forms.MultipleChoiceField(
        label="Do any of these apply to a child in the family?", required=False, choices=SameDayTrigger.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. MASH responds on the same working day if any does. If a child is in "
                  "immediate danger, call 999",
        error_messages={"invalid_choice": "Choose only from the situations listed"})


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.agency.name})"


def _postcode(value):
    if value:
        try:
            identifiers.clean_postcode(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


# ---------------------------------------------------------------------------------------------------
# A practitioner's request for support


class RequestForm(GovForm):
    concerns = text_area("What are your concerns?", max_length=10_000, what="Your concerns", required=True,
                         message="Describe your concerns for the family",
                         help_text="What is happening for the children and the family. Keep facts apart from "
                                   "opinions, and say which is which")
    tried_already = text_area("What has been tried already?", required=False, rows=4, what="What has been tried",
                              help_text="Support already given by you or other services, and what difference it made")
    hoped_for = text_area("What do you and the family hope will change?", required=False, rows=4,
                          what="What you hope will change")
    same_day_triggers = same_day_triggers_field()
    family_agrees = yes_no_field("Does the family agree to this request for support?",
                                 "Say whether the family agrees to this request for support",
                                 help_text="Early Help is voluntary: the family must agree to it")
    agreement_method = forms.ChoiceField(
        label="If yes, how did they agree?", required=False, widget=forms.RadioSelect,
        choices=[(AgreementMethod.WRITTEN, "In writing"), (AgreementMethod.VERBAL, "Verbally")])
    agreement_given_by = text_field("If yes, who in the family agreed?", required=False, max_length=200,
                                    what="Who in the family agreed",
                                    help_text="For example, their mother, who has parental responsibility")


# ---------------------------------------------------------------------------------------------------
# The public request for support

TIMING_SALT = "hearth.referrals.public-request"
MIN_SECONDS = 3
MAX_AGE_SECONDS = 24 * 60 * 60


def start_token(at: float | None = None) -> str:
    """A signed note of when the form was shown, posted back with it."""
    return signing.dumps({"t": at if at is not None else time.time()}, salt=TIMING_SALT)


def token_age(token: str) -> float | None:
    """Seconds since the form was shown, or None when the token is missing, forged or too old."""
    try:
        shown = signing.loads(token or "", salt=TIMING_SALT, max_age=MAX_AGE_SECONDS)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return time.time() - float(shown)


class PublicRequestForm(GovForm):
    requester_kind = forms.ChoiceField(
        label="Who are you?", widget=forms.RadioSelect,
        choices=[(RequesterKind.PARENT, "A parent or carer"),
                 (RequesterKind.YOUNG_PERSON, "A young person asking for support for myself")],
        error_messages={"required": "Say whether you are a parent or carer, or a young person"})
    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        label="Email address", required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"})
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    relationship = forms.CharField(label="Your relationship to the children (optional)", required=False,
                                   max_length=200, help_text="For example, mother, grandparent or foster carer")
    family_details = text_area("Who is in your family?", max_length=2_000, required=True, rows=4,
                               message="Tell us who is in your family",
                               help_text="The names and ages of the adults and children who live with you",
                               what="Who is in your family")
    address = text_area("Your address (optional)", required=False, max_length=500, rows=3)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10, validators=[_postcode])
    concerns = text_area("What would you like help with?", required=True, what="What you would like help with",
                         message="Tell us what you would like help with")
    tried_already = text_area("What have you tried already? (optional)", required=False, rows=4,
                              what="What you have tried")
    hoped_for = text_area("What would you like to be different? (optional)", required=False, rows=4,
                          what="What you would like to be different")
    same_day_triggers = forms.MultipleChoiceField(
        label="Is any of these happening to a child in your family now?", required=False,
        choices=list(urgency.IN_A_FAMILYS_WORDS.items()), widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. If one does, we will read your request the same working day. If a child "
                  "is in danger now, call 999",
        error_messages={"invalid_choice": "Choose only from the situations listed"})
    # Spam and abuse: people leave this empty (it is hidden from view); automated senders fill it in.
    website = forms.CharField(label="Leave this blank", required=False, max_length=200)
    agrees = forms.BooleanField(
        label="I agree to this request for support, and to the council recording what I have told you as "
              "explained above",
        error_messages={"required": "Confirm that you agree to this request for support"})
    started = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.looks_automated = False

    def clean(self):
        data = super().clean()
        if data.get("website"):
            self.looks_automated = True
            raise forms.ValidationError("We could not accept this request. Leave the box labelled 'Leave this "
                                        "blank' empty and send it again.")
        age = token_age(self.data.get("started", ""))
        if age is None:
            raise forms.ValidationError("This page had been open too long or could not be checked. Check your "
                                        "answers and send the request again.")
        if age < MIN_SECONDS:
            self.looks_automated = True
            raise forms.ValidationError("This request was sent very quickly after the page opened. Check your "
                                        "answers, then send it again.")
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", "Enter an email address or a phone number, so that we can tell you what "
                                    "happens next")
        return data


# ---------------------------------------------------------------------------------------------------
# Screening


class ScreeningForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(label="Level of need", coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": "Choose a level of need"})
    level_reasons = text_area("Reasons for the level of need", required=True, rows=4,
                              message="Give the reasons for the level of need")
    decision = forms.ChoiceField(label="Decision", choices=Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose the decision"})
    reason = forms.ChoiceField(label="Main reason for Early Help (when an Early Help plan is needed)",
                               required=False, choices=[("", "Choose a reason"), *EpisodeReason.choices])
    named_lead = PractitionerChoiceField(label="Lead professional (when an Early Help plan is needed)",
                                         queryset=User.objects.none(), required=False, empty_label="Choose a person")
    decision_notes = text_area("Notes on the decision (optional)", required=False, rows=4,
                               help_text="For the record: what was checked and who was consulted")
    outcome_message = text_area("Message to the person who asked", required=True, rows=6, what="The message",
                                message="Write the message that tells the person who asked what will happen")
    told_by_phone = forms.BooleanField(label="I have told them the outcome by phone", required=False)

    def __init__(self, council, referral, lead_queryset, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.fields["level"].choices = level_choices(council)
        self.fields["named_lead"].queryset = lead_queryset
        if referral.kind == ReferralKind.STEP_UP:
            del self.fields["reason"]
            self.fields["named_lead"].help_text = "The family's lead professional when they return to Early Help"
        if referral.requester_email:
            self.fields["outcome_message"].help_text = (
                f"We will email this to {referral.requester_name} at {referral.requester_email}. "
                "Write it in plain English")
            del self.fields["told_by_phone"]
        elif referral.requester_phone:
            self.fields["outcome_message"].help_text = (
                f"{referral.requester_name} gave only a phone number ({referral.requester_phone}). Phone them to "
                "tell them, then confirm below")
        else:
            del self.fields["told_by_phone"]


class LinkExistingForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    family_id = forms.IntegerField(widget=forms.HiddenInput)


class LinkNewFamilyForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name of the family", max_length=200,
                           help_text="How the family will be listed, like 'the Smith family'",
                           error_messages={"required": "Enter a name for the family"})
    role = forms.ChoiceField(label="The first person's role in the family", choices=MemberRole.choices,
                             widget=forms.RadioSelect, error_messages={"required": "Choose the person's role"})
    given_name = forms.CharField(label="Given name", max_length=100,
                                 error_messages={"required": "Enter the person's given name"})
    family_name = forms.CharField(label="Family name", max_length=100,
                                  error_messages={"required": "Enter the person's family name"})
    date_of_birth = GovDateField(label="Date of birth", required=False, past_only=True,
                                 help_text="For example, 27 3 1990. Leave blank if not known")


# ---------------------------------------------------------------------------------------------------
# Step up and step down


# The screening tools a step-up can send: a few optional groups of questions on the page, each left empty when not
# used, so that no JavaScript is needed to add one.
SCREENING_TOOL_SLOTS = 3
SCREENING_TOOL_PARTS = ("tool", "other_name", "completed_on", "completed_by", "findings")


def _tool_choice() -> forms.ChoiceField:
    return forms.ChoiceField(label="Which tool?", required=False,
                             choices=[("", "Choose a tool"), *ScreeningToolKind.choices],
                             error_messages={"invalid_choice": "Choose a screening tool from the list"})


def _tool_other_name() -> forms.CharField:
    return text_field("If other, the tool's name", required=False, max_length=TOOL_NAME_LENGTH,
                      what="The tool's name")


class _CompletedOnField(GovDateField):
    """The date a tool was completed: its messages name the tool chosen with it ("The date the Neglect Toolkit was
    completed must be a real date"), set by the form as `said_as`."""

    said_as = ""

    def clean(self, value):
        shown = self.label
        self.label = self.said_as or shown
        try:
            return super().clean(value)
        finally:
            self.label = shown


def _tool_completed_on() -> GovDateField:
    return _CompletedOnField(label="Date it was completed", required=False, help_text="For example, 27 3 2026")


def _tool_completed_by() -> forms.CharField:
    return text_field("Who completed it? (optional)", required=False, max_length=COMPLETED_BY_LENGTH,
                      what="Who completed it", help_text="Their name and agency. Leave blank if you completed it")


def _tool_findings() -> forms.CharField:
    return text_area("What did it find?", required=False, max_length=FINDINGS_LENGTH, rows=3, what="What it found",
                     help_text="A short summary of what it shows about the risk to the child")


class StepUpForm(GovForm):
    concerns = text_area("Why are you referring the family to MASH?", max_length=20_000, required=True, rows=8,
                         message="Describe why you are referring the family to MASH",
                         help_text="Filled in from the needs in the latest assessment: update it with what has "
                                   "changed. Keep facts apart from opinions", what="Why you are referring the family")
    tried_already = text_area("What has the plan tried so far?", required=False, rows=4, what="What the plan has tried")
    hoped_for = text_area("What do you want MASH to do?", required=False, rows=3, what="What you want MASH to do")
    same_day_triggers = same_day_triggers_field()
    screening_1_tool = _tool_choice()
    screening_1_other_name = _tool_other_name()
    screening_1_completed_on = _tool_completed_on()
    screening_1_completed_by = _tool_completed_by()
    screening_1_findings = _tool_findings()
    screening_2_tool = _tool_choice()
    screening_2_other_name = _tool_other_name()
    screening_2_completed_on = _tool_completed_on()
    screening_2_completed_by = _tool_completed_by()
    screening_2_findings = _tool_findings()
    screening_3_tool = _tool_choice()
    screening_3_other_name = _tool_other_name()
    screening_3_completed_on = _tool_completed_on()
    screening_3_completed_by = _tool_completed_by()
    screening_3_findings = _tool_findings()
    consent_sought = yes_no_field("Did you seek the family's consent to this referral?",
                                  "Say whether you sought the family's consent to this referral",
                                  help_text="Seek consent first unless doing so would increase the risk to the child")
    consent_not_sought_reason = text_area(
        "If not, why not?", required=False, rows=3,
        help_text="For example, seeking consent would increase the risk to the child. Your name is recorded "
                  "with this decision", what="Why consent was not sought")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # messages about a tool's answers name the tool chosen with them
            for n, entry in enumerate(self._entries(self._raw), start=1):
                tool = entry.in_a_sentence()
                self.fields[f"screening_{n}_completed_on"].said_as = f"The date {tool} was completed"
                self.fields[f"screening_{n}_completed_by"].what = f"Who completed {tool}"
                self.fields[f"screening_{n}_findings"].what = f"What {tool} found"

    def _raw(self, name: str) -> str:
        return str(self.data.get(self.add_prefix(name), "") or "")

    @staticmethod
    def _entries(get) -> list[ScreeningToolEntry]:
        entries = []
        for n in range(1, SCREENING_TOOL_SLOTS + 1):
            tool = get(f"screening_{n}_tool") or ""
            entries.append(ScreeningToolEntry(
                tool=tool if tool in ScreeningToolKind.values else "",
                other_name=get(f"screening_{n}_other_name") or "",
                completed_on=get(f"screening_{n}_completed_on") or None,
                completed_by=get(f"screening_{n}_completed_by") or "", findings=get(f"screening_{n}_findings") or ""))
        return entries

    def screening_tools(self) -> list[ScreeningToolEntry]:
        """The screening tools as the service takes them, from the answers that passed the form's own checks (an
        answer that did not is left out: its error is shown already)."""
        data = getattr(self, "cleaned_data", {})
        return self._entries(lambda name: data.get(name))

    def screening_tool_groups(self) -> list[tuple[int, list]]:
        """Each screening tool's place on the page and its bound fields, for the template."""
        return [(n, [self[f"screening_{n}_{part}"] for part in SCREENING_TOOL_PARTS])
                for n in range(1, SCREENING_TOOL_SLOTS + 1)]


class StepDownForm(GovForm):
    new_lead = PractitionerChoiceField(label="New lead professional", queryset=User.objects.none(),
                                       empty_label="Choose a person",
                                       error_messages={"required": "Choose the new lead professional"})
    level = forms.TypedChoiceField(
        label="Level of need", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose a level of need",
                        "invalid_choice": "Choose a level from 1 to 3: a family stepping down returns to Early Help"})
    reason = forms.ChoiceField(label="Main reason for Early Help", choices=[("", "Choose a reason"),
                                                                            *EpisodeReason.choices],
                               error_messages={"required": "Choose the main reason for Early Help"})
    cin_plan_ended_on = GovDateField(label="Date the Child in Need plan ended", past_only=True,
                                     error_messages={"required": "Enter the date the Child in Need plan ended"})
    handover_meeting_on = GovDateField(label="Date of the handover meeting (optional)", required=False)
    single_assessment = text_area("The single assessment", max_length=DOCUMENT_TEXT, required=True, rows=10,
                                  message="Paste the single assessment",
                                  help_text="Paste the text of the social-work single assessment")
    cin_plan = text_area("The Child in Need plan", max_length=DOCUMENT_TEXT, required=True, rows=10,
                         message="Paste the Child in Need plan",
                         help_text="Paste the plan the new lead professional will carry on")

    def __init__(self, council, lead_queryset, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(council, max_level=3)
        self.fields["new_lead"].queryset = lead_queryset


# ---------------------------------------------------------------------------------------------------
# Immediate risk


_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?\s*$", re.IGNORECASE)


def parse_time(value: str) -> datetime.time:
    """'14:30', '14.30', '2:30pm', '9am' as a time; ValueError otherwise."""
    match = _TIME.match(value or "")
    if not match:
        raise ValueError("Enter the time, like 14:30 or 2:30pm")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError("Enter a real time, like 14:30 or 2:30pm")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        raise ValueError("Enter the time with minutes, like 14:30 or 2:30pm")
    if hour > 23 or minute > 59:
        raise ValueError("Enter a real time, like 14:30 or 2:30pm")
    return datetime.time(hour, minute)


class MashContactForm(GovForm):
    contacted_on = GovDateField(label="Date you contacted MASH", past_only=True,
                                error_messages={"required": "Enter the date you contacted MASH"})
    contacted_time = forms.CharField(label="Time you contacted MASH", max_length=10,
                                     help_text="For example, 14:30 or 2:30pm",
                                     error_messages={"required": "Enter the time you contacted MASH"})
    method = forms.ChoiceField(label="How did you contact MASH?", choices=ContactMethod.choices,
                               widget=forms.RadioSelect, error_messages={"required": "Choose how you contacted MASH"})
    spoke_to = text_field("Who did you speak to? (optional)", required=False, what="Who you spoke to")
    concern = text_area("The concern you raised", required=True, rows=5,
                        message="Describe the concern you raised with MASH")
    advice = text_area("Advice MASH gave (optional)", required=False, rows=4)
    mash_reference = forms.CharField(label="MASH reference (optional)", required=False, max_length=60)

    def clean(self):
        data = super().clean()
        raw_time = data.get("contacted_time")
        if raw_time:
            try:
                data["contacted_time"] = parse_time(raw_time)
            except ValueError as exc:
                self.add_error("contacted_time", str(exc))
        if data.get("contacted_on") and isinstance(data.get("contacted_time"), datetime.time):
            data["contacted_at"] = timezone.make_aware(
                datetime.datetime.combine(data["contacted_on"], data["contacted_time"]))
        return data

    @staticmethod
    def initial_now() -> dict:
        now = timezone.localtime()
        return {"contacted_on": now.date(), "contacted_time": now.strftime("%H:%M")}
