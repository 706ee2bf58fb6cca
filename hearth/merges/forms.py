from django import forms

from hearth.merges.services import TOLD_HOW_LENGTH
from hearth.web.forms import GovForm, text_area

SIDES = (("left", "The first record"), ("right", "The second record"))


class ChooseForm(GovForm):
    """The two records to compare, by their record numbers."""

    left = forms.IntegerField(label="Record number of the first record", min_value=1,
                              error_messages={"required": "Enter the record number of the first record",
                                              "invalid": "Enter the first record's number, like 1204"})
    right = forms.IntegerField(label="Record number of the second record", min_value=1,
                               error_messages={"required": "Enter the record number of the second record",
                                               "invalid": "Enter the second record's number, like 1205"})
    error_places = {"merge": "left"}


class MergeForm(GovForm):
    """Which record stays, and for each detail the two records hold differently, whose value it keeps."""

    error_places = {"merge": "survivor"}

    survivor = forms.ChoiceField(label="Which record stays", choices=SIDES, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose which record stays"})
    reason = text_area("Why are these two records the same person?", max_length=2_000,
                       error_messages={"required": "Say why these two records are the same person"})
    left_version = forms.IntegerField(widget=forms.HiddenInput)
    right_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_fields = []
        for row in rows:
            if not row.differs:
                continue
            name = f"keep_{row.field}"
            self.fields[name] = forms.ChoiceField(
                label=row.label, widget=forms.RadioSelect,
                choices=(("left", row.left or "Not recorded"), ("right", row.right or "Not recorded")),
                error_messages={"required": f"Choose which {row.label.lower()} to keep"})
            self.detail_fields.append(name)

    def staying_and_going(self, left, right) -> tuple[tuple, tuple]:
        """(the record that stays, the version it was compared at), then the same for the one merged into it."""
        data = self.cleaned_data
        sides = [(left, data["left_version"]), (right, data["right_version"])]
        return tuple(sides) if data["survivor"] == "left" else tuple(reversed(sides))

    def taken(self) -> list[str]:
        """The details the staying record takes from the other."""
        stays = self.cleaned_data["survivor"]
        return [name.removeprefix("keep_") for name in self.detail_fields if self.cleaned_data[name] != stays]


class UnmergeForm(GovForm):
    reason = text_area("Why are these two people after all?", max_length=2_000,
                       error_messages={"required": "Say why these records are two people after all"})


class ToldForm(GovForm):
    """A recipient of the merged record's information told of the merge (or the unmerge) another way."""

    key = forms.ChoiceField(label="Recipient", required=False,
                            error_messages={"invalid_choice": "Choose the recipient you told"})
    how = forms.CharField(label="How they were told", max_length=TOLD_HOW_LENGTH, required=False,
                          help_text="For example, 'by phone to the practice manager'",
                          error_messages={"max_length": f"Say how they were told in {TOLD_HOW_LENGTH} characters "
                                                        "or fewer"})

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "Choose a recipient")] + [(r.key, r.name) for r in recipients]
