from django import forms

from hearth.core import identifiers
from hearth.people import matching
from hearth.people.models import Disability, Ethnicity, MemberRole, NameKind, RelationshipKind, Sex
from hearth.web.forms import GovDateField, GovForm, text_area


def _identifier(clean):
    def validator(value):
        if value:
            try:
                clean(value)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc

    return validator


POSTCODE_MESSAGE = "Enter a real UK postcode, like OX4 3LX"


class PostcodeField(forms.CharField):
    """A postcode, normalised ("ox43lx" -> "OX4 3LX"), with one message for anything that is not one: too long, too
    short or the wrong shape are all the same mistake to the person typing."""

    def __init__(self, *, label="Postcode", required=False, **kwargs):
        # The bound leaves room for spaces typed inside a postcode ("SW1A  1AA"); what is saved is at most 8.
        super().__init__(label=label, required=required, max_length=16, **kwargs)

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        if value in self.empty_values:
            return value
        try:
            return identifiers.clean_postcode(value)
        except ValueError as exc:
            raise forms.ValidationError(POSTCODE_MESSAGE, code="invalid") from exc


class SearchForm(GovForm):
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100,
                                  help_text="Previous family names are searched too")
    date_of_birth = GovDateField(label="Date of birth", required=False, past_only=True,
                                 help_text="For example, 27 3 2015")
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12,
                                 validators=[_identifier(identifiers.clean_nhs_number)])
    postcode = PostcodeField()

    def _name(self, field: str, label: str) -> str:
        """A name to search for needs two letters: one letter would match a good part of the council."""
        value = self.cleaned_data.get(field, "")
        if value and len(matching.normalise(value)) < 2:
            raise forms.ValidationError(f"Enter at least 2 letters of the {label} to search for it")
        return value

    def clean_given_name(self):
        return self._name("given_name", "given name")

    def clean_family_name(self):
        return self._name("family_name", "family name")

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(k) for k in self.fields):
            raise forms.ValidationError("Enter a name, date of birth, NHS number or postcode to search for")
        if data.get("nhs_number"):
            data["nhs_number"] = identifiers.clean_nhs_number(data["nhs_number"])
        return data


class PersonForm(GovForm):
    given_name = forms.CharField(label="Given name", max_length=100,
                                 error_messages={"required": "Enter the person's given name"})
    family_name = forms.CharField(label="Family name", max_length=100,
                                  error_messages={"required": "Enter the person's family name"})
    date_of_birth = GovDateField(label="Date of birth", required=False, past_only=True,
                                 help_text="For example, 27 3 2015. Leave blank if not known")
    date_of_birth_estimated = forms.BooleanField(label="The date of birth is an estimate", required=False)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.NOT_KNOWN,
                            error_messages={"required": "Choose the person's sex, or 'Not known'"})
    gender_identity = forms.CharField(label="Gender, if different from sex", required=False, max_length=100)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    first_language = forms.CharField(label="First language", required=False, max_length=100)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    disability = forms.ChoiceField(label="Disability", choices=Disability.choices, widget=forms.RadioSelect,
                                   initial=Disability.NOT_KNOWN)
    disability_details = text_area("About their disability", max_length=1_000, required=False)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12,
                                 validators=[_identifier(identifiers.clean_nhs_number)])
    upn = forms.CharField(label="Unique Pupil Number", required=False, max_length=13,
                          validators=[_identifier(identifiers.clean_upn)])
    ni_number = forms.CharField(label="National Insurance number", required=False, max_length=13,
                                validators=[_identifier(identifiers.clean_ni_number)])
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    address_withheld = forms.BooleanField(
        label="The address must not be disclosed", required=False,
        help_text="For example, to keep someone safe from domestic abuse. Only named roles will see it")


class AddressForm(GovForm):
    line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = PostcodeField()
    from_date = GovDateField(label="Date they moved in", required=False, past_only=True)

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_required = required

    def clean(self):
        data = super().clean()
        given = any(data.get(k) for k in ("line_1", "town", "postcode"))
        if given or self.address_required:
            if not data.get("line_1"):
                self.add_error("line_1", "Enter the first line of the address")
            if not data.get("town"):
                self.add_error("town", "Enter the town or city")
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", "Enter the postcode")
        data["has_address"] = given
        return data


class LocalityForm(GovForm):
    locality = forms.TypedChoiceField(label="Which locality's team should the family's records go to?", coerce=int,
                                      widget=forms.RadioSelect,
                                      error_messages={"required": "Choose the family's locality"})
    reason = text_area("Why are you changing the family's locality?", max_length=500, rows=3,
                       what="The reason", message="Enter why you are changing the family's locality")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, localities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [(loc.pk, loc.name) for loc in localities]


class NewFamilyForm(GovForm):
    family_name = forms.CharField(label="Name of the family", max_length=200,
                                  help_text="How the family will be listed, like 'the Smith family'",
                                  error_messages={"required": "Enter a name for the family"})
    role = forms.ChoiceField(label="This person's role in the family", choices=MemberRole.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose the person's role in the family"})
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked the possible matches and this is a different person", required=False)


class MemberRoleForm(GovForm):
    role = forms.ChoiceField(label="Their role in the family", choices=MemberRole.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the person's role in the family"})
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked the possible matches and this is a different person", required=False)


class RelationshipForm(GovForm):
    from_person = forms.TypedChoiceField(label="Person", coerce=int,
                                         error_messages={"required": "Choose the first person"})
    kind = forms.ChoiceField(label="is the", choices=RelationshipKind.choices,
                             error_messages={"required": "Choose the relationship"})
    to_person = forms.TypedChoiceField(label="of", coerce=int, error_messages={"required": "Choose the second person"})
    description = forms.CharField(label="Description (optional)", required=False, max_length=100,
                                  help_text="For example, 'aunt' when the relationship is 'Other'")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a person")] + [(m.person.pk, m.person.full_name) for m in members]
        self.fields["from_person"].choices = choices
        self.fields["to_person"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("from_person") and data.get("from_person") == data.get("to_person"):
            self.add_error("to_person", "Choose two different people")
        return data


class NameForm(GovForm):
    kind = forms.ChoiceField(label="Kind of name", choices=[(NameKind.PREVIOUS, "Previous name"),
                                                             (NameKind.OTHER, "Other name or alias")],
                             widget=forms.RadioSelect, error_messages={"required": "Choose the kind of name"})
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)


class EditPersonForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# Who a copy of a document is for: a member of the family or someone named.
SOMEONE_ELSE = "other"


class RecipientForm(GovForm):
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
