from django import forms

from hearth.accounts.models import User
from hearth.cases.models import EpisodeReason, NoteType
from hearth.cases.services import OPEN_ACTION_CHOICES
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area


def level_choices(council, *, max_level: int = 4) -> list[tuple[int, str]]:
    return [(n, f"Level {n}: {council.level_name(n)}") for n in range(1, max_level + 1)]


def practitioner_queryset(council):
    return (User.objects.filter(agency__council=council, is_active=True)
            .exclude(roles__role__in=["sysadmin", "analyst"])
            .select_related("agency").order_by("full_name").distinct())


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.agency.name})"


class EpisodeStartForm(GovForm):
    reason = forms.ChoiceField(label="Main reason for Early Help", choices=[("", "Choose a reason"),
                                                                            *EpisodeReason.choices],
                               error_messages={"required": "Choose the main reason for Early Help"})
    level = forms.TypedChoiceField(label="Level of need", coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": "Choose a level of need"})
    level_reasons = text_area("Why this level", max_length=LONG_TEXT, rows=3,
                              error_messages={"required": "Give the reasons for the level of need"},
                              what="The reasons for the level")
    lead = PractitionerChoiceField(label="Lead professional", queryset=User.objects.none(), required=False,
                                   empty_label="Not agreed yet",
                                   help_text="Agree the lead professional with the family before or at the first "
                                             "Team Around the Family meeting")

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(council, max_level=3)
        self.fields["lead"].queryset = practitioner_queryset(council)


class LevelForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(label="New level of need", coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": "Choose a level of need"})
    reasons = text_area("Reasons", max_length=LONG_TEXT, rows=3,
                        error_messages={"required": "Give the reasons for the level of need"})

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(council)


class LeadForm(GovForm):
    user = PractitionerChoiceField(label="New lead professional", queryset=User.objects.none(),
                                   error_messages={"required": "Choose the new lead professional"})
    planned_for = GovDateField(label="Date of the handover", required=False,
                               help_text="Leave blank to make the change now")
    notes = text_area("Handover notes", max_length=LONG_TEXT, rows=3, required=False)

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = practitioner_queryset(council)


class CloseForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label="Why is Early Help closing?", widget=forms.RadioSelect,
                               error_messages={"required": "Choose why Early Help is closing"})
    detail = text_area("More detail", max_length=LONG_TEXT, rows=3, required=False)
    new_area = forms.CharField(label="If the family has moved: the area they moved to", required=False,
                               max_length=200)
    new_area_consent = forms.TypedChoiceField(
        label="If the family has moved: did they agree to share information with the new area?", required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None, widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")])
    open_actions = forms.ChoiceField(label="What should happen to the open actions?", required=False,
                                     widget=forms.RadioSelect, choices=list(OPEN_ACTION_CHOICES.items()))
    family_comments = text_area("The family's final comments", max_length=LONG_TEXT, rows=4, required=False,
                                help_text="In their own words, if they want to say anything")
    evaluation_rating = forms.TypedChoiceField(
        label="How helpful did the family find Early Help?", required=False, coerce=int, empty_value=None,
        widget=forms.RadioSelect,
        choices=[(5, "Very helpful"), (4, "Helpful"), (3, "Neither helpful nor unhelpful"), (2, "Not very helpful"),
                 (1, "Not at all helpful")])
    evaluation = text_area("Evaluation: what worked and what did not", max_length=LONG_TEXT, rows=4, required=False,
                           what="The evaluation")
    closed_on = GovDateField(label="Date of closure", required=False, past_only=True,
                             help_text="Leave blank for today")

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r["code"], r.get("label") or r["code"].replace("_", " ").capitalize())
                                         for r in council.closure_reasons]


class NoteForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note_type = forms.ChoiceField(label="Type", choices=[("", "Choose a type"), *NoteType.choices],
                                  error_messages={"required": "Choose the type of note"})
    occurred_on = GovDateField(label="Date it happened", past_only=True,
                               error_messages={"required": "Enter the date it happened"})
    summary = forms.CharField(label="Summary", max_length=200,
                              error_messages={"required": "Enter a short summary",
                                              "max_length": "The summary must be 200 characters or fewer"})
    body = text_area("Details", max_length=10_000, rows=6, required=False)
    significant = forms.BooleanField(label="This is a significant event (it appears in the chronology)",
                                     required=False)


class NoteCorrectForm(NoteForm):
    reason = text_area("Why you are correcting the note", max_length=1_000, rows=3, required=False,
                       what="The reason for the correction",
                       help_text="The earlier wording is kept and shown with the note")


class NoteWithdrawForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = text_area("Why the note is being withdrawn", max_length=1_000, rows=3, required=False,
                       what="The reason for withdrawing it",
                       help_text="For example, it was written on the wrong family's record. The reason is kept and "
                                 "shown with the note")


class TransitionForm(GovForm):
    """A status change made by hand (`views.MANUAL_TRANSITIONS`), with a note."""

    note = text_area("Note (optional)", max_length=LONG_TEXT, required=False, what="The note")
