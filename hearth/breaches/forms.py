"""The breach log's forms: an incident, the decision on reporting it, the report, who was told, closing it. Times are
typed as UK local times (`parse_time`, `local_datetime`)."""

import datetime
import re

from django import forms
from django.utils import timezone

from hearth.breaches.models import DataKind, IcoDecision, NoticeAudience
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, record_number, text_area

TIME_HINT = "Use the 24-hour clock or am and pm, for example 14:30 or 2:30pm"
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str, label: str) -> datetime.time:
    """'14:30', '2:30pm', '9am', '9.05 am' → a time; a plain-English error otherwise."""
    value = (text or "").strip().lower().replace(" ", "")
    if value in ("midday", "noon"):
        return datetime.time(12, 0)
    if value == "midnight":
        return datetime.time(0, 0)
    match = _TIME.match(value)
    if not match:
        raise forms.ValidationError(f"{label} must be a real time, like 14:30 or 2:30pm")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise forms.ValidationError(f"{label} must be a real time: with am or pm, the hour is 1 to 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise forms.ValidationError(f"{label} must be a real time, like 14:30 or 2:30pm")
    return datetime.time(hour, minute)


def local_datetime(day: datetime.date, at: datetime.time, label: str) -> datetime.datetime:
    """The moment a UK local date and time name. A time skipped when the clocks go forward is refused; a time that
    happens twice when they go back is taken as the first (British Summer Time)."""
    tz = timezone.get_current_timezone()
    naive = datetime.datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz, fold=0)
    if aware.astimezone(datetime.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise forms.ValidationError(f"{label}: the clocks went forward at that time, so it did not happen. "
                                    "Check the time")
    return aware


class DateTimeMixin:
    """Forms with GOV.UK date inputs named <name> and a time box named <name>_time: cleaned_data[<name>] becomes
    an aware datetime."""

    datetime_fields: tuple[str, ...] = ()

    @property
    def shown_with(self) -> dict[str, tuple[str, ...]]:
        """A date and its time box are one answer: a service's message about it waits while either has an error."""
        return {name: (f"{name}_time",) for name in self.datetime_fields}

    def _combine(self, data: dict) -> None:
        for name in self.datetime_fields:
            day = data.get(name)
            label = self.fields[name].label
            what = label.replace("Date ", "", 1).replace(" (if known)", "")
            text = (data.get(f"{name}_time") or "").strip()
            if name in self.errors or f"{name}_time" in self.errors:
                data.pop(name, None)  # never a date without its time, for the service's checks to compare
                continue
            if day is None and not text:
                data[name] = None
                continue
            if day is None:
                self.add_error(name, f"Enter the date {what} as well as the time")
                continue
            if not text:
                self.add_error(f"{name}_time", f"Enter the time {what}")
                data.pop(name, None)
                continue
            try:
                data[name] = local_datetime(day, parse_time(text, f"The time {what}"), f"The time {what}")
            except forms.ValidationError as exc:
                self.add_error(f"{name}_time", exc)
                data.pop(name, None)


def _time_field(required_message: str | None = None) -> forms.CharField:
    return forms.CharField(label="Time", required=False, max_length=20, help_text=TIME_HINT,
                           error_messages={"required": required_message or "Enter the time"})


def parse_family_ids(text: str) -> list[int]:
    """'1203, 1457' → [1203, 1457]. Only ASCII digits of a record number's length (`record_number`), so that
    neither int() ('²'.isdigit() is true) nor the database's integers can fail on them."""
    parts = [p for p in re.split(r"[\s,;]+", (text or "").strip()) if p]
    numbers = [record_number(p) for p in parts]
    if None in numbers:
        raise forms.ValidationError("Enter family record numbers only, separated by commas, like 1203, 1457")
    return sorted(set(numbers))


class IncidentForm(DateTimeMixin, GovForm):
    datetime_fields = ("discovered_at", "occurred_at")

    summary = forms.CharField(label="Title", max_length=200,
                              help_text="A short description, like 'Assessment emailed to the wrong school'",
                              error_messages={"required": "Give the incident a short title"})
    what_happened = text_area("What happened", max_length=LONG_TEXT, rows=5,
                              error_messages={"required": "Say what happened"})
    discovered_at = GovDateField(label="Date it was discovered", required=False,
                                 help_text="The 72 hours for deciding whether to report it start then. "
                                           "For example, 27 3 2026")
    discovered_at_time = _time_field()
    occurred_at = GovDateField(label="Date it happened (if known)", required=False)
    occurred_at_time = _time_field()
    people_affected = text_area("Whose information (optional)", max_length=2_000, rows=3, required=False,
                                help_text="The people or families, in words, like 'three families at Hill School'")
    family_ids = forms.CharField(
        label="Family record numbers (optional)", required=False, max_length=2000,
        help_text="The numbers of the family records involved, separated by commas")
    data_kinds = forms.MultipleChoiceField(label="What kinds of information were involved?",
                                           choices=DataKind.choices, widget=forms.CheckboxSelectMultiple,
                                           required=False)
    data_kinds_other = forms.CharField(label="If something else, what", required=False, max_length=200)
    people_count = forms.IntegerField(label="How many people's information (optional)", required=False, min_value=0,
                                      help_text="Leave blank if not yet known",
                                      error_messages={"invalid": "Enter the number of people as a number, like 12",
                                                      "min_value": "The number of people must be 0 or more"})
    people_count_estimated = forms.BooleanField(label="The number is an estimate", required=False)
    containment = text_area("What has been done to contain it (optional)", max_length=LONG_TEXT, rows=4, required=False,
                            help_text="For example, the school confirmed it deleted the email")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_family_ids(self):
        return parse_family_ids(self.cleaned_data.get("family_ids", ""))

    def clean(self):
        data = super().clean()
        if data.get("discovered_at") is None and not (data.get("discovered_at_time") or "").strip() \
                and "discovered_at" not in self.errors:
            self.add_error("discovered_at", "Enter the date and time the breach was discovered")
        self._combine(data)
        return data


class DecisionForm(GovForm):
    decision = forms.ChoiceField(label="Should the incident be reported to the Information Commissioner?",
                                 choices=IcoDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose whether to report the incident"})
    reason = text_area("Why", max_length=LONG_TEXT, rows=4, required=False,
                       help_text="A breach must be reported unless it is unlikely to put people's rights and freedoms "
                                 "at risk: say how you weighed the risk",
                       what="The reason")
    delay_reason = text_area("Why the decision was not made within 72 hours", max_length=LONG_TEXT, rows=3,
                             required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(DateTimeMixin, GovForm):
    datetime_fields = ("reported_at",)

    reported_at = GovDateField(label="Date it was reported", required=False)
    reported_at_time = _time_field()
    ico_reference = forms.CharField(label="Reference from the Information Commissioner's Office", max_length=100,
                                    required=False)
    delay_reason = text_area("Reasons for reporting after 72 hours", max_length=LONG_TEXT, rows=3, required=False,
                             help_text="Needed when the report was made after the 72 hours")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        self._combine(data)
        return data


class NoticeForm(DateTimeMixin, GovForm):
    datetime_fields = ("told_at",)

    audience = forms.ChoiceField(label="Who was told", choices=NoticeAudience.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose who was told"})
    who = forms.CharField(label="Name them", max_length=300, required=False,
                          help_text="For example, 'the 3 families' or 'Hill School, the headteacher'")
    told_at = GovDateField(label="Date they were told", required=False)
    told_at_time = _time_field()
    how = text_area("How they were told (optional)", max_length=2_000, rows=3, required=False)

    def clean(self):
        data = super().clean()
        self._combine(data)
        return data


class CloseForm(GovForm):
    lessons = text_area("What was learned, and what will change", max_length=LONG_TEXT, rows=5, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
