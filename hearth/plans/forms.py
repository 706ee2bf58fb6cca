"""Forms for meetings, the plan and reviews. Rules (dates in the future, exactly one owner...) live in the
services, which report every problem at once; the forms only parse what was typed."""

import datetime
import re

from django import forms
from django.utils import timezone

from hearth.plans.models import ActionStatus, Attendance, MeetingKind, OutcomeStatus, Progress, ReviewDecision
from hearth.plans.reviews import ProgressInput
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area

TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
ATTENDANCE_CHOICES = [(a.value, a.label) for a in (Attendance.ATTENDED, Attendance.APOLOGIES, Attendance.ABSENT)]


def parse_time(text: str) -> datetime.time:
    """'10:30', '14:00', '2pm', '2.30pm' -> a time. Raises ValueError otherwise."""
    match = TIME_RE.match((text or "").strip())
    if not match:
        raise ValueError(text)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    return datetime.time(hour, minute)  # raises ValueError for 25:00 or 10:75


def _select(label, *, help_text="", empty="Choose"):
    return forms.TypedChoiceField(label=label, help_text=help_text, coerce=int, required=False, empty_value=None,
                                  choices=[("", empty)])


class MeetingForm(GovForm):
    OTHERS = ("also_1", "also_2", "also_3")

    kind = forms.ChoiceField(label="Kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect,
                             initial=MeetingKind.INITIAL, error_messages={"required": "Choose the kind of meeting"})
    date = GovDateField(label="Date of the meeting", help_text="For example, 27 3 2026",
                        error_messages={"required": "Enter the date of the meeting"})
    time = forms.CharField(label="Time", max_length=10, help_text="For example, 10:30 or 2:30pm",
                           error_messages={"required": "Enter the time of the meeting"})
    location = forms.CharField(label="Where the meeting will be held", max_length=200,
                               help_text="For example, the school's family room, or a video call",
                               error_messages={"required": "Enter where the meeting will be held",
                                               "max_length": "The place must be 200 characters or fewer"})
    practitioners = forms.TypedMultipleChoiceField(label="Practitioners working with the family", coerce=int,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    family_members = forms.TypedMultipleChoiceField(
        label="Family members", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Young people should be invited to their own meeting")

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioners"].choices = [(u.pk, f"{u.full_name}, {u.agency.name}") for u in choices["involved"]]
        others = [("", "Choose a practitioner")] + [(u.pk, f"{u.full_name}, {u.agency.name}")
                                                   for u in choices["others"]]
        for i, name in enumerate(self.OTHERS, start=1):
            self.fields[name] = _select(f"Another practitioner to invite ({i}, optional)")
            self.fields[name].choices = others
        labels = []
        for m in choices["members"]:
            age = f", aged {m.age}" if m.age is not None and m.role == "child" else ""
            labels.append((m.person_id, f"{m.person.full_name} ({m.get_role_display().lower()}{age})"))
        self.fields["family_members"].choices = labels
        self.order_fields(["kind", "date", "time", "location", "practitioners", *self.OTHERS])  # the page's order

    def clean_time(self):
        try:
            return parse_time(self.cleaned_data["time"])
        except ValueError as exc:
            raise forms.ValidationError("Enter the time like 10:30 or 2:30pm") from exc

    def scheduled_for(self) -> datetime.datetime:
        naive = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)

    def practitioner_ids(self) -> list[int]:
        ids = list(self.cleaned_data["practitioners"])
        ids += [self.cleaned_data[n] for n in self.OTHERS if self.cleaned_data.get(n)]
        return list(dict.fromkeys(ids))


class RecordForm(GovForm):
    family_views = text_area("The family's views", max_length=LONG_TEXT, required=False,
                             help_text="In their own words where you can")
    strengths = text_area("Strengths", max_length=LONG_TEXT, required=False,
                          help_text="What is going well, and what the family does well")
    needs = text_area("Needs", max_length=LONG_TEXT, required=False)
    minutes = text_area("Minutes", max_length=10_000, required=False,
                        help_text="Short and family friendly: the family will get a copy")
    agreed_lead = _select("Lead professional agreed at the meeting", empty="Choose the lead professional")
    next_review_on = GovDateField(label="Date of the next review", required=False,
                                  help_text="Usually within six weeks")
    review_date_reason = text_area("Why the next review needs to be later (only for a later date)",
                                   max_length=1_000, required=False, rows=3, what="The reason for a later review")
    reason = text_area("Why you are correcting the record", max_length=1_000, required=False, rows=3,
                       what="The reason for the correction",
                       help_text="The earlier wording is kept and shown with the record")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, invitations, children, leads, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        if not correcting:
            del self.fields["reason"]
        self.invitations = list(invitations)
        self.children = list(children)
        for inv in self.invitations:
            who = f"{inv.user.full_name}, {inv.user.agency.name}" if inv.user_id else inv.person.full_name
            self.fields[f"attendance_{inv.pk}"] = forms.ChoiceField(
                label=who, choices=ATTENDANCE_CHOICES, widget=forms.RadioSelect, required=False)
        for c in self.children:
            age = f" (aged {c.age})" if c.age is not None else ""
            self.fields[f"child_view_{c.person_id}"] = text_area(
                f"{c.person.full_name}{age}: their views", required=False, what=f"{c.person.full_name}'s views")
        self.fields["agreed_lead"].choices = [("", "Choose the lead professional")] + [
            (u.pk, f"{u.full_name}, {u.agency.name}") for u in leads]

    def attendance_fields(self):
        return [self[f"attendance_{inv.pk}"] for inv in self.invitations]

    def child_fields(self):
        return [self[f"child_view_{c.person_id}"] for c in self.children]

    def attendance(self) -> dict[int, str]:
        return {inv.pk: self.cleaned_data.get(f"attendance_{inv.pk}") or "" for inv in self.invitations}

    def child_views(self) -> dict[int, str]:
        return {c.person_id: self.cleaned_data.get(f"child_view_{c.person_id}") or "" for c in self.children}


class OutcomeForm(GovForm):
    description = text_area("What the family wants to achieve", max_length=300, required=False,
                            help_text="How will we know we've been successful? For example, 'Sam goes to school every "
                                      "day'",
                            what="The outcome")
    area = forms.ChoiceField(label="Outcome area (optional)", required=False)

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "No particular area")] + [
            (a["code"], a["name"]) for a in council.outcome_areas or []]


class ActionForm(GovForm):
    what = text_area("What will be done", max_length=1_000, required=False, what="What will be done")
    outcome = _select("Which outcome it works towards (optional)", empty="Not tied to one outcome")
    owner_user = _select("A practitioner", empty="Choose a practitioner")
    owner_agency = _select("Or an agency", empty="Choose an agency")
    owner_person = _select("Or a family member", empty="Choose a family member")
    due_on = GovDateField(label="Done by", required=False, help_text="For example, 27 3 2026")

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].choices += [(u.pk, f"{u.full_name}, {u.agency.name}")
                                              for u in choices["practitioners"]]
        self.fields["owner_agency"].choices += [(a.pk, a.name) for a in choices["agencies"]]
        self.fields["owner_person"].choices += [(m.person_id, m.person.full_name) for m in choices["members"]]
        self.fields["outcome"].choices += [(o.pk, o.description[:80]) for o in choices["outcomes"]]


class ActionStatusForm(GovForm):
    status = forms.ChoiceField(label="How it is going", choices=ActionStatus.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose how the action is going"})
    note = text_area("Note (optional)", max_length=2_000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(GovForm):
    held_on = GovDateField(label="Date of the review", required=False, help_text="For example, 27 3 2026")
    meeting = _select("The review meeting (optional)", empty="Not linked to a meeting")
    summary = text_area("Summary", max_length=LONG_TEXT, required=False,
                        help_text="How the plan is going: what has changed, what has not and why")
    family_views = text_area("The family's views", max_length=LONG_TEXT, required=False)
    decision = forms.ChoiceField(label="What happens next", choices=ReviewDecision.choices, widget=forms.RadioSelect,
                                 required=False)
    new_level = _select("New level of need", help_text="Only when stepping up or down",
                        empty="Choose the new level")
    level_reasons = text_area("Why the level of need has changed", max_length=LONG_TEXT, required=False,
                              help_text="Only when stepping up or down")
    next_review_on = GovDateField(label="Date of the next review", required=False,
                                  help_text="Needed unless Early Help is closing")
    review_date_reason = text_area("Why the next review needs to be later (only for a later date)",
                                   max_length=1_000, required=False, rows=3, what="The reason for a later review")

    def __init__(self, council, *args, outcomes, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        self.fields["new_level"].choices = [("", "Choose the new level")] + [
            (n, f"Level {n}: {council.level_name(n)}") for n in (1, 2, 3, 4)]
        self.fields["meeting"].choices += [
            (m.pk, f"{m.get_kind_display()} on {timezone.localtime(m.scheduled_for):%-d %B %Y}") for m in meetings]
        for o in self.outcomes:
            self.fields[f"progress_{o.pk}"] = forms.ChoiceField(
                label=o.description, choices=Progress.choices, widget=forms.RadioSelect, required=False)
            self.fields[f"comment_{o.pk}"] = text_area("Comment", max_length=2_000, required=False)

    def progress_fields(self):
        return [(o, self[f"progress_{o.pk}"], self[f"comment_{o.pk}"]) for o in self.outcomes]

    def progress(self) -> dict:
        return {o.pk: ProgressInput(self.cleaned_data.get(f"progress_{o.pk}") or "",
                                    self.cleaned_data.get(f"comment_{o.pk}") or "")
                for o in self.outcomes}


class OutcomeCorrectForm(GovForm):
    description = text_area("What the family wants to achieve", max_length=300, required=False, what="The outcome")
    area = forms.ChoiceField(label="Outcome area (optional)", required=False)
    status = forms.ChoiceField(label="Where the family is with this outcome", choices=OutcomeStatus.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose whether the family is still working towards "
                                                           "this outcome"})
    reason = text_area("Why you are correcting the wording (only if you change it)", max_length=1_000,
                       required=False, rows=3, what="The reason for the correction",
                       help_text="The earlier wording is kept and shown with the outcome")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "No particular area")] + [
            (a["code"], a["name"]) for a in council.outcome_areas or []]


class ActionCorrectForm(GovForm):
    what = text_area("What will be done", max_length=1_000, required=False, what="What will be done")
    due_on = GovDateField(label="Done by", required=False, help_text="For example, 27 3 2026")
    reason = text_area("Why you are correcting it", max_length=1_000, required=False, rows=3,
                       what="The reason for the correction",
                       help_text="The earlier wording is kept and shown with the action")
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(GovForm):
    reason = text_area("Why it is being withdrawn", max_length=1_000, required=False, rows=3,
                       what="The reason for withdrawing it",
                       help_text="For example, it was added to the wrong family's plan. The reason is kept and shown "
                                 "with it")
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutcomesFinalForm(GovForm):
    """Before closing: how each outcome still being worked towards ended (one question per outcome)."""

    FINAL = [(OutcomeStatus.ACHIEVED.value, "Achieved"), (OutcomeStatus.NOT_ACHIEVED.value, "Not achieved"),
             (OutcomeStatus.NO_LONGER_NEEDED.value, "No longer needed")]

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        for o in self.outcomes:
            self.fields[f"final_{o.pk}"] = forms.ChoiceField(label=o.description, choices=self.FINAL,
                                                             widget=forms.RadioSelect, required=False)
            self.fields[f"version_{o.pk}"] = forms.IntegerField(widget=forms.HiddenInput, initial=o.version)

    def outcome_fields(self):
        return [(self[f"final_{o.pk}"], self[f"version_{o.pk}"]) for o in self.outcomes]

    def answers(self) -> dict[int, tuple[str, int]]:
        return {o.pk: (self.cleaned_data.get(f"final_{o.pk}") or "", self.cleaned_data.get(f"version_{o.pk}") or 0)
                for o in self.outcomes}
