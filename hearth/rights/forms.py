"""The forms for requests to correct, erase or restrict: finding the person, logging and deciding a request,
applying it, and telling the recipients."""

from django import forms

from hearth.families.forms import EditPersonForm
from hearth.rights.models import RequestDecision, RequestKind
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area


class PersonSearchForm(GovForm):
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100,
                                  help_text="Previous family names are searched too")
    date_of_birth = GovDateField(label="Date of birth", required=False, past_only=True)
    person_id = forms.IntegerField(label="Person record number", required=False, min_value=1,
                                   error_messages={"invalid": "Enter the person record number as a number"})

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(k) for k in self.fields):
            raise forms.ValidationError("Enter a name, date of birth or record number to search for")
        return data


class RequestForm(GovForm):
    kind = forms.ChoiceField(label="What is the person asking for?", choices=RequestKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose what the person is asking for"})
    asked = text_area("What they ask", max_length=LONG_TEXT, rows=5, required=False,
                      help_text="In their words where possible: which information, and what they say is wrong")
    received_on = GovDateField(label="Date the request was received", required=False, past_only=True,
                               help_text="The answer is due within one calendar month")


class RequestDecisionForm(GovForm):
    decision = forms.ChoiceField(label="Your decision", choices=RequestDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose whether to accept or refuse the request"})
    use_standard_reason = forms.BooleanField(
        label="Refuse for the standard reason: the council holds the information for its public task", required=False)
    reason = text_area("Reason", max_length=LONG_TEXT, rows=5, required=False,
                       help_text="Needed if you refuse: the person is told why, and that they can complain to the "
                                 "Information Commissioner")
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApplyForm(EditPersonForm):
    """The person's details as they should be; `version` is the person's, `request_version` the request's."""

    request_version = forms.IntegerField(widget=forms.HiddenInput)


WHOLE, DETAILS = "whole", "details"


class ErasureForm(GovForm):
    """What to erase: chosen details, other names and addresses, or the whole person record."""

    scope = forms.ChoiceField(label="What is to be erased", widget=forms.RadioSelect, required=False,
                              help_text="Erasing the whole record removes the person's names, details, addresses, "
                                        "relationships and family memberships.", choices=[
        (DETAILS, "Particular details"),
        (WHOLE, "The whole person record"),
    ])
    details = forms.MultipleChoiceField(label="Details to erase", widget=forms.CheckboxSelectMultiple,
                                        required=False)
    names = forms.TypedMultipleChoiceField(label="Other names to erase", coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    addresses = forms.TypedMultipleChoiceField(label="Addresses to erase", coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    note = text_area("What else was done (optional)", max_length=2_000, rows=3, required=False,
                     help_text="For example, a name taken out of a case note by hand. Do not repeat what was erased.")
    confirm = forms.BooleanField(label="I understand that this cannot be undone", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    person_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, details=(), names=(), addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].choices = list(details)
        self.fields["names"].choices = list(names)
        self.fields["addresses"].choices = list(addresses)

    def clean(self):
        data = super().clean()
        if data.get("scope") not in (WHOLE, DETAILS):
            self.add_error("scope", "Choose whether to erase particular details or the whole person record")
        elif data["scope"] == DETAILS and not (data.get("details") or data.get("names") or data.get("addresses")):
            self.add_error("details", "Choose the details to erase")
        if not data.get("confirm"):
            self.add_error("confirm", "Confirm that you understand the erasure cannot be undone")
        return data


class RestrictForm(GovForm):
    what = text_area("What is restricted, and why", max_length=2_000, rows=4, required=False,
                     help_text="Practitioners will read this on the family record. For example, 'Do not use or share "
                               "the school's report of 3 March while its accuracy is checked.'",
                     what="What is restricted")
    version = forms.IntegerField(widget=forms.HiddenInput)


class LiftForm(GovForm):
    reason = text_area("Why the restriction is lifted", max_length=2_000, rows=3, required=False, what="The reason")
    person_told = forms.CharField(label="How and when the person was told it would be lifted", max_length=300,
                                  required=False,
                                  help_text="They must be told before it is lifted. For example, 'by letter on 2 "
                                            "June'")


class TellForm(GovForm):
    recipients = forms.MultipleChoiceField(label="Recipients to email", widget=forms.CheckboxSelectMultiple,
                                           required=False)

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(r.key, f"{r.name} ({r.email})") for r in recipients if r.email]


class ToldForm(GovForm):
    key = forms.ChoiceField(label="Recipient", required=False)
    how = forms.CharField(label="How they were told", max_length=200, required=False,
                          help_text="For example, 'by phone to the practice manager'")

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "Choose a recipient")] + [(r.key, r.name) for r in recipients]
