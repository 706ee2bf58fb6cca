"""The programme's forms: a headline need, a judgement of progress, taking a need off the record, checking a claim,
and the quarter of the return."""

from django import forms

from hearth.core.programme import HEADLINE_NEEDS
from hearth.reports.periods import Quarter
from hearth.supporting_families.models import ClaimDecision, Stage
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, named, text_area, text_field


class NeedChoiceForm(GovForm):
    need = forms.ChoiceField(label="Which headline need applies to the family?", widget=forms.RadioSelect,
                             choices=list(HEADLINE_NEEDS.items()))


class NeedForm(GovForm):
    need = forms.ChoiceField(widget=forms.HiddenInput, choices=list(HEADLINE_NEEDS.items()))
    descriptor = forms.ChoiceField(label="What shows the need, in the council's descriptors", required=False,
                                   widget=forms.RadioSelect)
    person = forms.TypedChoiceField(label="Who it is mostly about (optional)", coerce=int, required=False,
                                    empty_value=None)
    evidence = text_area("The evidence", max_length=LONG_TEXT, required=False,
                         help_text="What you know and where it comes from: a school's attendance record, a police "
                                   "notification, the family's own account")
    identified_on = GovDateField(label="Date the need was identified", required=False,
                                 help_text="For example, 27 3 2026")

    field_order = ["need", "descriptor", "person", "evidence", "identified_on"]

    def __init__(self, *args, descriptors=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["descriptor"].choices = list(descriptors)
        if not descriptors:
            del self.fields["descriptor"]
        self.fields["person"].choices = [("", "The whole family")] + [(p.pk, p.full_name) for p in members]


class RemoveNeedForm(GovForm):
    reason = text_area("Why it is being taken off the record", max_length=LONG_TEXT, required=False,
                       help_text="For example, recorded for the wrong family, or it no longer applies")


class ProgressForm(GovForm):
    stage = forms.ChoiceField(label="When is the progress being judged?", choices=Stage.choices, required=False,
                              widget=forms.RadioSelect)
    made = named(forms.TypedChoiceField(
        label="Did the family make significant and sustained progress against this need?", required=False,
        widget=forms.RadioSelect, coerce=lambda v: v == "yes", empty_value=None,
        choices=[("yes", "Yes"), ("no", "No")]), "Whether the family made progress")
    evidence = text_area("The evidence", max_length=LONG_TEXT, required=False,
                         help_text="What shows it: attendance over the last two terms, no police call-outs since, "
                                   "the tenancy kept")
    confirmed_by = text_field("Who confirmed it, and from what source", required=False,
                              help_text="For example, the attendance officer at Hill School, from the school's "
                                        "register")
    judged_on = GovDateField(label="Date of the judgement", required=False, help_text="For example, 27 3 2026")

    field_order = ["stage", "made", "evidence", "confirmed_by", "judged_on"]


class ClaimForm(GovForm):
    decision = forms.ChoiceField(label="Your check of the claim", required=False, widget=forms.RadioSelect,
                                 choices=[(ClaimDecision.ACCEPTED, "Accept: the evidence shows progress against "
                                                                   "every need, and it has lasted"),
                                          (ClaimDecision.REJECTED, "Reject")])
    reason = text_area("Why it is rejected (if you reject it)", max_length=LONG_TEXT, required=False)


class QuarterForm(GovForm):
    quarter = forms.ChoiceField(label="Quarter", required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        quarters, q = [], Quarter.of(today)
        for _ in range(8):
            quarters.append(q)
            q = q.before()
        self.quarters = {q.code: q for q in quarters}
        self.fields["quarter"].choices = [(q.code, str(q)) for q in quarters]

    def chosen_quarter(self) -> Quarter:
        """The quarter chosen; at first, the last quarter that has ended (the one a return is made for)."""
        code = self.cleaned_data.get("quarter") if self.is_bound else ""
        return self.quarters.get(code) or list(self.quarters.values())[1]
