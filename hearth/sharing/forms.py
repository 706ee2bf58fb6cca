"""Forms of the information-sharing register: filters, a decision recorded by hand, sharing with an agency,
marking an entry unsafe to disclose to the family."""

from django import forms

from hearth.sharing.models import Decision, DisclosureKind, Origin
from hearth.sharing.selectors import RegisterFilter
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area, text_field

ANY = [("", "Any")]
OTHER_BASIS = "other"
WHOLE_FAMILY = ""


def _agency_choices(agencies, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(a.pk), a.name) for a in agencies]


def _member_choices(members) -> list[tuple[str, str]]:
    return [(WHOLE_FAMILY, "The whole family")] + [
        (str(m.person.pk), f"{m.person.full_name} ({m.get_role_display().lower()})") for m in members]


class FilterForm(GovForm):
    decision = forms.ChoiceField(label="Decision", required=False, choices=ANY + Decision.choices)
    origin = forms.ChoiceField(label="How it was recorded", required=False, choices=ANY + Origin.choices)
    kind = forms.ChoiceField(label="Kind", required=False, choices=ANY + DisclosureKind.choices)
    agency = forms.ChoiceField(label="With agency", required=False)
    date_from = GovDateField(label="From", required=False, help_text="For example, 1 4 2025")
    date_to = GovDateField(label="To", required=False, help_text="For example, 30 6 2025")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _agency_choices(agencies, "Any")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data

    def filters(self) -> RegisterFilter:
        """The filters chosen, or none when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return RegisterFilter()
        data = self.cleaned_data
        return RegisterFilter(decision=data["decision"], kind=data["kind"], origin=data["origin"],
                              agency_id=int(data["agency"]) if data["agency"] else None,
                              date_from=data["date_from"], date_to=data["date_to"])


class EntryForm(GovForm):
    decision = forms.ChoiceField(
        label="What was decided?", widget=forms.RadioSelect,
        choices=[(Decision.SHARED, "The information was shared"),
                 (Decision.NOT_SHARED, "The information was not shared")],
        error_messages={"required": "Say whether the information was shared or not shared"})
    what = text_area("What information", max_length=4000, rows=3,
                     help_text="Share only what is needed. For example, the dates Max missed school this term",
                     error_messages={"required": "Say what information this decision is about"})
    person = forms.ChoiceField(label="Whose information", required=False)
    recipient_agency = forms.ChoiceField(label="With which agency", required=False,
                                         help_text="Leave blank if it is not one of the agencies listed")
    recipient = forms.CharField(label="With whom", required=False, max_length=300,
                                help_text="The person's name and role, or who asked for the information. "
                                          "For example, Dr Shah, GP at Bridge Surgery")
    purpose = forms.CharField(label="What it was for", max_length=300,
                              error_messages={"required": "Say what the information was for"})
    basis = forms.ChoiceField(label="The basis for sharing", required=False,
                              help_text="The consent or lawful basis relied on. Not needed if it was not shared")
    basis_text = forms.CharField(label="If other, describe the basis", required=False, max_length=300,
                                 help_text="For example, a court order of 3 March 2025")
    not_shared_reason = text_area("If not shared, why not", max_length=LONG_TEXT, rows=3, required=False,
                                  what="The reason it was not shared")
    occurred_on = GovDateField(label="Date of the decision", past_only=True,
                               help_text="For example, 27 3 2025",
                               error_messages={"required": "Enter the date of the decision"})
    unsafe_to_disclose = forms.BooleanField(
        label="Telling the family about this could put someone at risk", required=False,
        help_text="It will be left out of what the family is shown about the sharing of their information")
    unsafe_reason = text_area("Why telling the family could be unsafe", max_length=LONG_TEXT, rows=3, required=False,
                              what="The reason")

    def __init__(self, *args, members, agencies, bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(m.person.pk): m.person for m in members}
        self.agencies = {str(a.pk): a for a in agencies}
        self.consents = {f"consent:{c.pk}": c for c in bases.consents}
        self.lawful_bases = {f"basis:{b.pk}": b for b in bases.lawful_bases}
        self.fields["person"].choices = _member_choices(members)
        self.fields["recipient_agency"].choices = _agency_choices(agencies, "Not one of these agencies")
        self.fields["basis"].choices = (
            [("", "Choose the basis")]
            + [(k, f"Consent given by {c.given_by.full_name} on {c.given_on:%-d %B %Y}"
                   f" (about {c.person.full_name})") for k, c in self.consents.items()]
            + [(k, f"Lawful basis: {b.get_kind_display()}"
                   + (f" (about {b.person.full_name})" if b.person_id else "")) for k, b in self.lawful_bases.items()]
            + [(OTHER_BASIS, "Other (describe it below)")])

    def clean(self):
        data = super().clean()
        if data.get("basis") == OTHER_BASIS and not (data.get("basis_text") or "").strip():
            self.add_error("basis_text", "Describe the basis for sharing")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"], "what": data["what"], "purpose": data["purpose"],
            "occurred_on": data["occurred_on"], "recipient": data["recipient"],
            "recipient_agency": self.agencies.get(data["recipient_agency"]),
            "person": self.people.get(data["person"]),
            "consent": self.consents.get(data["basis"]), "lawful_basis": self.lawful_bases.get(data["basis"]),
            "basis_text": data["basis_text"] if data["basis"] == OTHER_BASIS else "",
            "not_shared_reason": data["not_shared_reason"], "unsafe_to_disclose": data["unsafe_to_disclose"],
            "unsafe_reason": data["unsafe_reason"],
        }


class ShareForm(GovForm):
    agency = forms.ChoiceField(label="Which agency do you want to share with?",
                               error_messages={"required": "Choose the agency to share with",
                                               "invalid_choice": "Choose the agency to share with"})
    person = forms.ChoiceField(label="Whose information", required=False)
    what = text_area("What information do you want to share?", max_length=4000, rows=3, what="The information",
                     help_text="Share only what is needed",
                     error_messages={"required": "Say what information you want to share"})
    purpose = text_field("Why do you want to share it?", max_length=300, what="Why you want to share it",
                         error_messages={"required": "Say why you want to share it"})

    def __init__(self, *args, members, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(m.person.pk): m.person for m in members}
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["person"].choices = _member_choices(members)
        self.fields["agency"].choices = _agency_choices(agencies, "Choose an agency")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"agency": self.agencies[data["agency"]], "person": self.people.get(data["person"]),
                "what": data["what"], "purpose": data["purpose"]}


class UnsafeForm(GovForm):
    unsafe_to_disclose = forms.BooleanField(
        label="Telling the family about this could put someone at risk", required=False,
        help_text="It will be left out of what the family is shown about the sharing of their information")
    unsafe_reason = text_area("Why telling the family could be unsafe", max_length=LONG_TEXT, rows=3, required=False,
                              what="The reason")
