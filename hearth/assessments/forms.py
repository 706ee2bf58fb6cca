from django import forms

from hearth.assessments.models import ViewMethod
from hearth.web.forms import GovForm, text_area

# A missing or altered hidden version: the page the user had open cannot be trusted to be current.
VERSION_ERRORS = {"required": "This page was out of date. Copy your text, reload the page and try again",
                  "invalid": "This page was out of date. Copy your text, reload the page and try again"}
FACTS_LABEL = "Facts (what has happened, what people said)"
OPINIONS_LABEL = "Views and professional judgement"


class SectionForm(GovForm):
    facts = text_area(FACTS_LABEL, max_length=10_000, rows=8, required=False,
                      help_text="Things that happened and what people said, in their words where you can")
    opinions = text_area(OPINIONS_LABEL, max_length=10_000, rows=8, required=False,
                         help_text="What you and the family make of it: analysis, concerns, strengths")
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class ChildViewForm(GovForm):
    method = forms.ChoiceField(label="How was the child's view gathered?", choices=ViewMethod.choices,
                               widget=forms.RadioSelect, required=False)
    in_their_words = text_area("In the child's own words (or what they showed or drew)", max_length=10_000, rows=8,
                               required=False, help_text="What the child said, drew or did. Use their own words",
                               what="The child's words")
    worker_reflection = text_area("What the practitioner makes of it", max_length=10_000, rows=6, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class InviteForm(GovForm):
    invitee = forms.TypedChoiceField(label="Practitioner", coerce=int,
                                     error_messages={"required": "Choose the practitioner to ask"},
                                     help_text="Practitioners of other agencies in your council")
    request_note = text_area("What would you like them to tell you? (optional)", max_length=2_000, rows=4,
                             required=False,
                             help_text="Do not include the family's details: they will read the assessment when they "
                                       "sign in",
                             what="What you would like them to tell you")

    def __init__(self, *args, practitioners, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioners = {u.pk: u for u in practitioners}
        self.fields["invitee"].choices = [("", "Choose a practitioner")] + [
            (u.pk, f"{u.full_name}, {u.agency.name}" + (f" ({u.job_title})" if u.job_title else ""))
            for u in practitioners
        ]


class ContributionForm(GovForm):
    facts = text_area(FACTS_LABEL, max_length=10_000, rows=8, required=False,
                      help_text="What your agency knows: dates, attendance, appointments, what was said")
    opinions = text_area(OPINIONS_LABEL, max_length=10_000, rows=8, required=False,
                         help_text="Your professional view: strengths, needs and what would help")
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class ConfirmForm(GovForm):
    """A confirmation page's form: no fields, so that refusals show in the error summary."""
