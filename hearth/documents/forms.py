"""Who a copy is for: a member of the family or someone named."""

from django import forms

SOMEONE_ELSE = "other"


class RecipientForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Who is this copy for?", widget=forms.RadioSelect,
        error_messages={"required": "Select who the copy is for", "invalid_choice": "Select who the copy is for"})
    other_recipient = forms.CharField(
        label="If someone else, their name and how they know the family", required=False, max_length=200,
        help_text="For example, Sam Jones, grandparent")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.person.pk): m for m in members}
        self.fields["recipient"].choices = [
            (pk, f"{m.person.full_name} ({m.get_role_display().lower()})") for pk, m in self.members.items()
        ] + [(SOMEONE_ELSE, "Someone else")]

    def clean(self):
        data = super().clean()
        choice = data.get("recipient")
        other = (data.get("other_recipient") or "").strip()
        data["other_recipient"] = other
        if choice == SOMEONE_ELSE and not other:
            self.add_error("other_recipient", "Enter the name of the person the copy is for")
        return data

    @property
    def person(self):
        """The family member the copy is for, or None for someone else."""
        member = self.members.get(self.cleaned_data["recipient"])
        return member.person if member else None

    @property
    def recipient_text(self) -> str:
        member = self.members.get(self.cleaned_data["recipient"])
        if member:
            return f"{member.person.full_name} ({member.get_role_display().lower()})"
        return self.cleaned_data["other_recipient"]
