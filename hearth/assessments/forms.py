from django import forms

from hearth.assessments.models import ViewMethod

# A missing or altered hidden version: the page the user had open cannot be trusted to be current.
VERSION_ERRORS = {"required": "This page was out of date. Copy your text, reload the page and try again",
                  "invalid": "This page was out of date. Copy your text, reload the page and try again"}
FACTS_LABEL = "Facts (what has happened, what people said)"
OPINIONS_LABEL = "Views and professional judgement"


class SectionForm(forms.Form):
    facts = forms.CharField(label=FACTS_LABEL, required=False, widget=forms.Textarea(attrs={"rows": 8}),
                            help_text="Things that happened and what people said, in their words where you can")
    opinions = forms.CharField(label=OPINIONS_LABEL, required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text="What you and the family make of it: analysis, concerns, strengths")
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class ChildViewForm(forms.Form):
    method = forms.ChoiceField(label="How was the child's view gathered?", choices=ViewMethod.choices,
                               widget=forms.RadioSelect, required=False)
    in_their_words = forms.CharField(label="In the child's own words (or what they showed or drew)", required=False,
                                     widget=forms.Textarea(attrs={"rows": 8}),
                                     help_text="What the child said, drew or did. Use their own words")
    worker_reflection = forms.CharField(label="What the practitioner makes of it", required=False,
                                        widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class InviteForm(forms.Form):
    invitee = forms.TypedChoiceField(label="Practitioner", coerce=int,
                                     error_messages={"required": "Choose the practitioner to ask"},
                                     help_text="Practitioners of other agencies in your council")
    request_note = forms.CharField(label="What would you like them to tell you? (optional)", required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text="Do not include the family's details: they will read the assessment "
                                             "when they sign in")

    def __init__(self, *args, practitioners, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioners = {u.pk: u for u in practitioners}
        self.fields["invitee"].choices = [("", "Choose a practitioner")] + [
            (u.pk, f"{u.full_name}, {u.agency.name}" + (f" ({u.job_title})" if u.job_title else ""))
            for u in practitioners
        ]


class ContributionForm(forms.Form):
    facts = forms.CharField(label=FACTS_LABEL, required=False, widget=forms.Textarea(attrs={"rows": 8}),
                            help_text="What your agency knows: dates, attendance, appointments, what was said")
    opinions = forms.CharField(label=OPINIONS_LABEL, required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text="Your professional view: strengths, needs and what would help")
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class ConfirmForm(forms.Form):
    """A confirmation page's form: no fields, so that refusals show in the error summary."""
