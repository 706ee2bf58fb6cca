"""How a person's details read to a person: each field's label, as the person form gives it, and its value."""

import datetime

from hearth.families.forms import PersonForm
from hearth.people.models import Disability, Ethnicity, Person, Sex


def field_label(name: str) -> str:
    """The label the person form gives a detail ("Phone number", "Date of birth")."""
    field = PersonForm.base_fields.get(name)
    return str(field.label) if field is not None else str(Person._meta.get_field(name).verbose_name).capitalize()


def show_value(name: str, value) -> str:
    """A person's field as a person reads it, for the change log."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    choices = {"sex": Sex, "ethnicity": Ethnicity, "disability": Disability}
    if name in choices:
        return str(dict(choices[name].choices).get(value, value))
    return str(value)
