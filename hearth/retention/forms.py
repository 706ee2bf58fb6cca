import re

from django import forms

from hearth.web.forms import GovDateField, GovForm, text_area

SCOPE_LISTED = "listed"
SCOPE_ALL = "all"


class HoldForm(GovForm):
    name = forms.CharField(label="Name of the hold", max_length=200, help_text="For example, Public inquiry",
                           error_messages={"required": "Enter a name for the hold, like Public inquiry",
                                           "max_length": "The name must be 200 characters or fewer"})
    reason = text_area("Why must the records be kept?", max_length=4000, rows=4, what="Why the records must be kept",
                       error_messages={"required": "Enter why the records must be kept"},
                       help_text="Say who asked and what for: this is kept with the hold")
    scope = forms.ChoiceField(
        label="Which families does the hold cover?", widget=forms.RadioSelect,
        choices=[(SCOPE_LISTED, "The families whose record numbers I list"),
                 (SCOPE_ALL, "Every family of the council")],
        error_messages={"required": "Choose which families the hold covers"})
    family_ids = text_area("Family record numbers", max_length=10_000, rows=4, required=False,
                           help_text="Separated by commas, spaces or new lines. Leave empty if the hold covers every "
                                     "family")

    def clean_family_ids(self) -> list[int]:
        raw = self.cleaned_data.get("family_ids") or ""
        tokens = [t for t in re.split(r"[\s,;]+", raw) if t]
        bad = [t for t in tokens if not t.isdigit()]
        if bad:
            raise forms.ValidationError("Family record numbers must be whole numbers, like 1042")
        return [int(t) for t in tokens]


class LiftForm(GovForm):
    reason = text_area("Why is the hold being lifted?", max_length=4000, rows=4, what="Why the hold is lifted",
                       error_messages={"required": "Enter why the hold is being lifted"})
    version = forms.IntegerField(widget=forms.HiddenInput)


class PrepareForm(GovForm):
    as_of = GovDateField(label="Records due by", required=False,
                         help_text="Leave empty for today. A later date shows what will fall due by then, but cannot "
                                   "be run before it")


class ApproveForm(GovForm):
    confirm = forms.BooleanField(
        label="I have checked the counts and the rules, and I approve this disposal",
        error_messages={"required": "Confirm that you have checked the counts and approve this disposal"})
    version = forms.IntegerField(widget=forms.HiddenInput)


class RunForm(GovForm):
    confirm = forms.BooleanField(
        label="I understand that this deletes these records permanently and cannot be undone",
        error_messages={"required": "Confirm that you understand the records will be deleted permanently"})
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
