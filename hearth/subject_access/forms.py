"""Forms of the data protection officer's subject access pages. None has a field for the due date: it moves only
by recording an extension."""

from django import forms

from hearth.subject_access.models import RequesterRelationship, SarStatus, VerificationMethod, WithholdingReason
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area


class _Versioned(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RequesterFields(GovForm):
    requester_relationship = forms.ChoiceField(
        label="Who is asking?", choices=RequesterRelationship.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose who is asking"})
    requester_name = forms.CharField(label="Name of the person asking", max_length=200,
                                     error_messages={"required": "Enter the name of the person asking"})
    on_behalf_of = forms.CharField(
        label="On whose behalf (if not their own)", required=False, max_length=300,
        help_text="For a parent or a representative: who they act for, and how (for example, “her son Max, aged "
                  "6” or “Jo Smith, by her signed authority of 2 March”)")
    requester_contact = text_area("Where to send the copy (optional)", max_length=500, rows=3, required=False,
                                  help_text="A postal address or an email address", what="Where to send the copy")


class NewRequestForm(RequesterFields):
    received_on = GovDateField(label="Date the request was received", past_only=True,
                               help_text="The day it reached the council. For example, 27 3 2026",
                               error_messages={"required": "Enter the date the request was received"})


class EditRequestForm(RequesterFields, _Versioned):
    pass


class VerifyForm(_Versioned):
    method = forms.ChoiceField(label="How was the requester's identity checked?", choices=VerificationMethod.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose how the requester's identity was checked"})
    note = text_area("Note", max_length=2_000, rows=3, required=False,
                     help_text="What was seen, and when. Do not copy document numbers")


class ExtendForm(_Versioned):
    months = forms.TypedChoiceField(
        label="How much longer is needed?", coerce=int, widget=forms.RadioSelect,
        choices=[(1, "One more month"), (2, "Two more months")],
        error_messages={"required": "Choose an extension of 1 or 2 months"})
    reason = text_area("Why is more time needed?", max_length=LONG_TEXT, rows=3,
                       help_text="The requester must be told about the extension, and why, within the first month",
                       error_messages={"required": "Say why more time is needed"}, what="Why more time is needed")


class CloseForm(_Versioned):
    outcome = forms.ChoiceField(
        label="Why is the request ending?", widget=forms.RadioSelect,
        choices=[(SarStatus.WITHDRAWN, "The requester withdrew it"),
                 (SarStatus.CLOSED, "It is being closed without a release (for example, identity could not be "
                                    "confirmed)")],
        error_messages={"required": "Choose whether the request was withdrawn or is being closed"})
    reason = text_area("Details", max_length=LONG_TEXT, rows=3,
                       error_messages={"required": "Say why the request is ending"})


class WithholdForm(GovForm):
    item_key = forms.ChoiceField(label="What should be withheld?", widget=forms.RadioSelect,
                                 error_messages={"required": "Choose what to withhold",
                                                 "invalid_choice": "Choose what to withhold"})
    reason = forms.ChoiceField(label="Why?", choices=WithholdingReason.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose why this is being withheld"})
    note = text_area("Note (for the record; never released)", max_length=2_000, rows=3, required=False, what="The note")

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = targets


class ReleaseForm(_Versioned):
    checked = forms.BooleanField(
        label="I have checked everything in the bundle and withheld what must not be released",
        error_messages={"required": "Confirm you have checked the bundle before releasing it"})
