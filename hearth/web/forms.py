"""Django forms of the service, in GOV.UK English: every field bounded and its messages in the service's own words
(`GovForm`, `bound_field`), and the GOV.UK date input (`GovDateField`).

The macros' arguments for a bound field are built in `hearth.web.govuk_fields`; a service's refusal is shown on a
form by `hearth.web.refusals`.
"""

import datetime
import re

from django import forms
from django.core import validators

# How long text may be. Every form field has a bound (`bound_fields`): these are the defaults, and forms give their
# own where a field needs another (a name 100 characters, a pasted document far more).
SHORT_TEXT = 200  # a name, a title, a reference: one line
LONG_TEXT = 5_000  # free text: a note, a reason, someone's views
DOCUMENT_TEXT = 50_000  # a whole document pasted in (a social-work assessment)
EMAIL_LENGTH = 254
MAX_NUMBER = 2_147_483_647  # what a database's integer column holds
# Years a date may have: early enough for anyone's date of birth, late enough for any plan, and far from the ends of
# Python's dates, so that adding a year or a few weeks to one cannot fail.
FIRST_YEAR = 1900
YEARS_AHEAD = 100
OUT_OF_DATE = "This page was out of date. Copy anything you typed, reload the page and try again"


def too_long(what: str, limit: int) -> str:
    """The GOV.UK message for text over its limit: 'Summary must be 200 characters or fewer'."""
    return f"{what} must be {limit:,} characters or fewer"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """'The summary' -> 'the summary'; 'NHS number' stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def text_field(label: str, *, max_length: int = SHORT_TEXT, what: str | None = None, required: bool = True,
               message: str | None = None, **kwargs) -> forms.CharField:
    """A one-line text box with its limit and GOV.UK messages. `what` names the answer in messages where the label
    is a question ('Who did you speak to?' -> 'The name of who you spoke to'); `message` is the one for a required
    field left empty."""
    field = forms.CharField(label=label, max_length=max_length, required=required, **kwargs)
    field.what = what
    if message:
        field.error_messages["required"] = message
    return field


def text_area(label: str, *, max_length: int = LONG_TEXT, rows: int = 5, what: str | None = None,
              required: bool = True, message: str | None = None, **kwargs) -> forms.CharField:
    """A textarea with its limit, shown with the GOV.UK character count."""
    return text_field(label, max_length=max_length, what=what, required=required, message=message,
                      widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def named(field: forms.Field, what: str) -> forms.Field:
    """Name what a field holds for its messages, where its label is a question or too long to start one:
    `named(forms.CharField(label="Who did you speak to?", ...), "The name of who you spoke to")`."""
    field.what = what
    return field


def _what(field: forms.Field, name: str) -> str:
    """What the field holds, to start a message with: its `what`, or its label when that is not a question."""
    what = getattr(field, "what", None)
    if what:
        return _capital(what)
    label = str(field.label or name.replace("_", " ").capitalize())
    label = re.sub(r"\s*\([^)]*\)$", "", label).rstrip(":")
    if label.endswith("?") or len(label) > 60:
        return "Your answer"
    return _capital(label)


def _is_django_default(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is Django's own (no form gave one)."""
    message = field.error_messages.get(code)
    if message is None:
        return True
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(code)
        if default is not None and str(default) == str(message):
            return True
    return False


def _say(field: forms.Field, code: str, message: str) -> None:
    if _is_django_default(field, code):
        field.error_messages[code] = message


def _choose(field: forms.Field, what: str) -> str:
    """The message for a choice that is not one of the options: the field's own 'Choose…' message where it has
    one, so that a forged answer reads like a missing one."""
    required = str(field.error_messages.get("required", ""))
    if not _is_django_default(field, "required") and required.split(" ")[0] in ("Choose", "Select", "Say"):
        return required
    if what == "Your answer":
        return "Select an option"
    return f"Select {_lower(what)}"


def bound_field(field: forms.Field, name: str) -> None:
    """Give a field a maximum (text its length, numbers their size) where it has none, and GOV.UK messages in place of
    Django's own. Idempotent; called for every field of a `GovForm` before it is cleaned, and of any form rendered."""
    if getattr(field, "_bounded", False):
        return
    field._bounded = True
    what = _what(field, name)
    if isinstance(field.widget, forms.HiddenInput):
        for code in ("required", "invalid", "max_length", "min_value", "max_value", "invalid_choice",
                     "null_characters_not_allowed"):
            _say(field, code, OUT_OF_DATE)
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            field.max_length = EMAIL_LENGTH if isinstance(field, forms.EmailField) else (
                LONG_TEXT if isinstance(field.widget, forms.Textarea) else SHORT_TEXT)
            field.validators.append(validators.MaxLengthValidator(field.max_length))
        _say(field, "max_length", too_long(what, field.max_length))
        _say(field, "null_characters_not_allowed", f"{what} must not include hidden characters")
        _say(field, "required", f"Enter {_lower(what)}" if what != "Your answer" else "Enter your answer")
    if isinstance(field, forms.CharField) and field.min_length:
        _say(field, "min_length", f"{what} must be {field.min_length:,} characters or more")
    if isinstance(field, forms.EmailField):
        _say(field, "invalid", "Enter an email address in the correct format, like name@example.com")
    if isinstance(field, forms.URLField):
        _say(field, "invalid", "Enter a web address in the correct format, like https://www.example.com")
    if isinstance(field, (forms.DecimalField, forms.FloatField)):  # before IntegerField, which they extend
        _say(field, "invalid", f"{what} must be a number, like 12.5")
        digits, places = getattr(field, "max_digits", None), getattr(field, "decimal_places", None)
        _say(field, "max_digits", f"{what} must have {digits} digits or fewer")
        _say(field, "max_decimal_places", f"{what} must have {places} decimal places or fewer" if places
             else f"{what} must be a whole number, like 12")
        _say(field, "max_whole_digits", f"{what} must have {(digits or 0) - (places or 0)} digits or fewer "
                                        "before the decimal point")
    if isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = MAX_NUMBER
            field.validators.append(validators.MaxValueValidator(MAX_NUMBER))
        if field.min_value is None:
            field.min_value = 0
            field.validators.append(validators.MinValueValidator(0))
        _say(field, "invalid", f"{what} must be a whole number, like 12")
        _say(field, "max_value", f"{what} must be {field.max_value:,} or less")
        _say(field, "min_value", f"{what} must be {field.min_value:,} or more")
        _say(field, "step_size", f"{what} must be a multiple of {field.step_size:,}" if field.step_size else
             f"{what} must be a whole number, like 12")
        _say(field, "required", f"Enter {_lower(what)}")
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        _say(field, "invalid_choice", _choose(field, what))
        _say(field, "invalid_list", _choose(field, what))
        _say(field, "invalid_pk_value", _choose(field, what))
        _say(field, "required", _choose(field, what))
    if isinstance(field, forms.BooleanField):
        _say(field, "required", f"Tick the box if {_lower(what)}" if what != "Your answer" else "Tick the box")
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        _say(field, "invalid", f"{what} must be a real date")
    if isinstance(field, forms.TimeField):
        _say(field, "invalid", f"{what} must be a real time, like 14:30")
    _say(field, "required", f"Enter {_lower(what)}")
    _say(field, "null_characters_not_allowed", f"{what} must not include hidden characters")
    _say(field, "incomplete", f"Enter {_lower(what)} in full")
    # Whatever Django would still say in its own words (a field or validator of a kind not named above): a plain
    # message in place of it, so that no default reaches the page.
    for code in [*field.error_messages, *(getattr(v, "code", None) for v in field.validators)]:
        if code and _is_django_default(field, code) and _validator_default(field, code):
            field.error_messages[code] = OUT_OF_DATE if isinstance(field.widget, forms.HiddenInput) else (
                f"Enter {_lower(what)} in the correct format")


def _validator_default(field: forms.Field, code: str) -> bool:
    """Whether what the field says for `code` would be Django's own: the field's message is its class's default,
    or a validator of Django's own raises the code with its default message and the field gives none."""
    if code in field.error_messages:
        return True
    for v in field.validators:
        if getattr(v, "code", None) != code:
            continue
        own = getattr(type(v), "message", None)
        if type(v).__module__.startswith("django.") and (own is None or str(own) == str(v.message)):
            return True
    return False


def bound_fields(form: forms.Form) -> None:
    for name, field in form.fields.items():
        bound_field(field, name)


# How Django's own messages begin (its form fields, model choices, formsets and validators), and how one ends.
DJANGO_BEGINNINGS = (
    "This field is required", "This field cannot be", "Ensure this value", "Ensure that there are no more than",
    "Select a valid choice", "Enter a whole number", "Enter a number", "Enter a valid", "Enter a list of values",
    "Enter a complete value", "Enter only digits", "Null characters are not allowed", "No file was submitted",
    "The submitted file is empty", "Upload a valid image", "The number of days must be between",
    "Please submit at", "Please correct the duplicate", "ManagementForm data", "File extension",
)
DJANGO_ENDINGS = ("is not a valid value.", "is not one of the available choices.", "already exists.")


def in_djangos_words(text: str) -> bool:
    """Whether a message is one of Django's own, not the service's."""
    return text.startswith(DJANGO_BEGINNINGS) or text.endswith(DJANGO_ENDINGS)


def _in_own_words(form: forms.Form) -> None:
    """The last net: an error a field raised in Django's own words (some are raised before the field's messages are
    looked up, like a model choice's 'Null characters are not allowed.') is said the field's way instead."""
    for name, errors in list(form._errors.items()):
        field = form.fields.get(name)
        if field is None or not any(in_djangos_words(text) for text in errors):
            continue
        said = []
        for error in errors.as_data():
            if in_djangos_words(next(iter(error))):
                message = field.error_messages.get(error.code) if error.code else None
                if message is None or in_djangos_words(str(message)):
                    message = OUT_OF_DATE if isinstance(field.widget, forms.HiddenInput) else (
                        f"Enter {_lower(_what(field, name))} in the correct format")
                error = forms.ValidationError(message, code=error.code, params=error.params)
            said.append(error)
        form._errors[name] = form.error_class(said, renderer=form.renderer)


class GovForm(forms.Form):
    """A form of the service: before it is cleaned, every field (including those added in `__init__`) is bounded
    and speaks GOV.UK English (`bound_field`), and no error is left in Django's own words (`_in_own_words`).

    The error summary lists errors in the form's field order (`error_list`), so a form declares its fields (or its
    `field_order`) in the order its page shows them. `error_places` names the field at which a service's message
    about something the form has no field for is shown; `shown_with` names the boxes shown as one answer with a field
    (a date and its time), for `show_checks`."""

    error_places: dict[str, str] = {}
    shown_with: dict[str, tuple[str, ...]] = {}

    def full_clean(self):
        bound_fields(self)
        super().full_clean()
        if self.is_bound:
            _in_own_words(self)


class GovDateWidget(forms.Widget):
    """Day, month and year boxes named <name>-day, <name>-month, <name>-year (GOV.UK date input)."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        values = tuple((data.get(f"{name}-{part}") or "").strip() for part in self.parts)
        return None if not any(values) else values


_NUMBER = re.compile(r"[0-9]+")


def record_number(value) -> int | None:
    """A record's number sent in a query or a form (`?person=12`), or None when it is not one. Only ASCII digits, at
    most 18 of them, so that neither int() ('²'.isdigit() is true) nor the database's integers can fail on it."""
    text = str(value or "")
    return int(text) if len(text) <= 18 and _NUMBER.fullmatch(text) else None


class GovDateField(forms.Field):
    """A GOV.UK date input. Each part is checked as digits of a sensible length before it becomes a number, and the
    year must lie between FIRST_YEAR and YEARS_AHEAD years from now, so that nothing typed can overflow a date."""

    widget = GovDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs):
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", ()):
            return None
        if isinstance(value, datetime.date):
            return value
        label = _capital(str(self.label or "Date"))
        day, month, year = value
        missing = [part for part, v in zip(GovDateWidget.parts, value, strict=True) if not v]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not all(_NUMBER.fullmatch(v) for v in value):
            raise forms.ValidationError(f"{label} must be a real date, using numbers")
        this_year = datetime.date.today().year
        if len(year) != 4:
            raise forms.ValidationError(f"{label} must include a year with 4 numbers, like {this_year}")
        if len(day) > 2 or len(month) > 2:
            raise forms.ValidationError(f"{label} must be a real date")
        d, m, y = int(day), int(month), int(year)
        if y < FIRST_YEAR:
            raise forms.ValidationError(f"{label} must include a year with 4 numbers, after {FIRST_YEAR}")
        if y > this_year + YEARS_AHEAD:
            raise forms.ValidationError(f"{label} must be a real date, before {this_year + YEARS_AHEAD + 1}")
        try:
            result = datetime.date(y, m, d)
        except ValueError as exc:
            raise forms.ValidationError(f"{label} must be a real date") from exc
        if self.past_only and result > datetime.date.today():
            raise forms.ValidationError(f"{label} must be today or in the past")
        return result

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return (str(value.day), str(value.month), str(value.year))
        return value or ("", "", "")
