"""Django forms rendered with GOV.UK Frontend macros.

`govuk_field(bound_field)` turns a bound field into the name of a GOV.UK macro and exactly the
arguments that macro takes, so templates write `{{ field(form.name) }}` and get the official markup,
with the error message and the error summary link in the GOV.UK pattern.
"""

import datetime
import re

from django import forms
from django.core import validators
from django.db import transaction

from hearth.core.errors import DomainError, NotPermitted, ValidationFailed

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


def _error(bf):
    return {"text": bf.errors[0]} if bf.errors else None


def _label(bf, extra):
    text = extra.pop("label", None) or bf.label
    classes = extra.pop("label_classes", "")
    return {"text": text, "classes": classes, "isPageHeading": extra.pop("is_page_heading", False)}


def govuk_field(bf, **extra) -> tuple[str, dict]:
    bound_field(bf.field, bf.name)
    widget = bf.field.widget
    hint = extra.pop("hint", None) or bf.help_text
    base = {
        "id": bf.auto_id,
        "name": bf.html_name,
        "errorMessage": _error(bf),
    }
    if hint:
        base["hint"] = {"text": hint}
    if isinstance(widget, GovDateWidget):
        day, month, year = bf.field.prepare_value(bf.value())
        err = "govuk-input--error" if bf.errors else ""
        return "date", {
            **base,
            "namePrefix": bf.html_name,
            "fieldset": {"legend": {"text": extra.pop("label", None) or bf.label,
                                    "classes": "govuk-fieldset__legend--s"}},
            "items": [
                {"name": "day", "label": "Day", "classes": f"govuk-input--width-2 {err}", "value": day,
                 "id": f"{bf.auto_id}-day"},
                {"name": "month", "label": "Month", "classes": f"govuk-input--width-2 {err}", "value": month},
                {"name": "year", "label": "Year", "classes": f"govuk-input--width-4 {err}", "value": year},
            ],
            **extra,
        }
    # CheckboxSelectMultiple is a subclass of RadioSelect in Django, so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        values = {str(v) for v in (bf.value() or [])}
        items = [{"value": v, "text": str(t), "checked": str(v) in values} for v, t in bf.field.choices]
        if items:
            items[0]["id"] = bf.auto_id
        return "checkboxes", {
            **{k: v for k, v in base.items() if k != "id"},
            "idPrefix": bf.auto_id,
            "fieldset": {"legend": {"text": extra.pop("label", None) or bf.label,
                                    "classes": "govuk-fieldset__legend--s"}},
            "items": items,
            **extra,
        }
    if isinstance(widget, forms.RadioSelect):
        value = bf.value()
        items = [
            {"value": v, "text": str(t), "checked": str(v) == str(value)} for v, t in bf.field.choices if v != ""
        ]
        if items:
            items[0]["id"] = bf.auto_id
        return "radios", {
            **{k: v for k, v in base.items() if k != "id"},
            "idPrefix": bf.auto_id,
            "fieldset": {"legend": {"text": extra.pop("label", None) or bf.label,
                                    "classes": "govuk-fieldset__legend--s"}},
            "items": items,
            **extra,
        }
    if isinstance(widget, forms.CheckboxInput):
        return "checkboxes", {
            **{k: v for k, v in base.items() if k not in ("id", "hint")},
            "idPrefix": bf.auto_id,
            "classes": "govuk-checkboxes--small",
            "items": [
                {"value": "on", "text": extra.pop("label", None) or bf.label, "checked": bool(bf.value()),
                 "id": bf.auto_id, "hint": {"text": hint} if hint else None}
            ],
            **extra,
        }
    if isinstance(widget, forms.Select):
        value = bf.value()
        return "select", {
            **base,
            "label": _label(bf, extra),
            "items": [{"value": v, "text": str(t), "selected": str(v) == str(value)} for v, t in bf.field.choices],
            **extra,
        }
    if isinstance(widget, forms.Textarea):
        # The GOV.UK character count: the limit is said under the box, and counted down as the user types.
        params = {**base, "label": _label(bf, extra), "value": bf.value() or "",
                  "maxlength": bf.field.max_length, "rows": widget.attrs.get("rows", 5), **extra}
        if bf.field.max_length >= 1_000:
            params.setdefault("threshold", 50)  # a long limit is counted only once half of it is used
        return "character_count", params
    input_type = getattr(widget, "input_type", "text")
    params = {**base, "label": _label(bf, extra), "type": input_type, **extra}
    if input_type != "password":
        params["value"] = bf.value() if bf.value() is not None else ""
    if input_type == "password":
        params["autocomplete"] = params.get("autocomplete", "current-password")
    return "input", params


def error_href(bf) -> str:
    """Where the error summary's link for a field goes: its input, or a date's day box."""
    return f"#{bf.auto_id}-day" if isinstance(bf.field.widget, GovDateWidget) else f"#{bf.auto_id}"


def error_list(form) -> list[dict]:
    """The GOV.UK error summary's list, in the order the page shows the fields (the form's field order), each error
    linking to its field. Errors about no one field (`add_error(None, …)`, a refusal that names none of the form's
    fields) come first, linking to the page's content. Accepts a group of forms too, taken in turn."""
    if hasattr(form, "forms"):
        return [item for f in form.forms for item in error_list(f)]
    errors = form.errors
    items = [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()]
    for name in form.fields:
        if name in errors:
            href = error_href(form[name])
            items.extend({"text": str(e), "href": href} for e in errors[name])
    return items


def error_place(form: forms.Form, key: str | None) -> str | None:
    """The form's field a service's message about `key` belongs at: the field of that name, the field the form says
    shows it (`GovForm.error_places`: a rule about two answers is shown at the later one), or none (above the
    form, first in the summary)."""
    if key in form.fields:
        return key
    place = getattr(form, "error_places", {}).get(key)
    return place if place in form.fields else None


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form, against the field it concerns where the form has it."""
    if isinstance(error, ValidationFailed):
        for field, message in error.errors.items():
            form.add_error(error_place(form, field), message)
    else:
        form.add_error(error_place(form, error.field), error.message)


def show_refusal(forms_, error: DomainError, *, rename: dict[str, str] | None = None) -> None:
    """A service's refusal on a page of one or more forms: each field's message on the form that has the field
    (under the form's name for it, where `rename` maps the service's), anything else on the first form."""
    if not isinstance(error, ValidationFailed):
        apply_domain_error(forms_[0], error)
        return
    for key, message in error.errors.items():
        key = (rename or {}).get(key, key)
        target = next((f for f in forms_ if error_place(f, key)), forms_[0])
        target.add_error(error_place(target, key), message)


def show_checks(form: forms.Form, errors: dict[str, str]) -> None:
    """A form that failed its own checks shows, besides, what the service's checks (a function that writes nothing)
    found in the answers that passed: a rule about two answers (one date before another) or an answer that another
    makes necessary. Each message goes at its field unless that field, or one shown with it
    (`GovForm.shown_with`: a date's time box), already has an error, so that nothing waits for a second submit."""
    partners = getattr(form, "shown_with", {})
    for key, message in errors.items():
        place = error_place(form, key)
        if place is not None and any(form.has_error(n) for n in (place, *partners.get(place, ()))):
            continue
        if place is None and message in form.non_field_errors():
            continue
        form.add_error(place, message)


class refusal_on:  # noqa: N801 - used as a statement, like `transaction.atomic`
    """Run a view's call to the services and show a refusal on its form(s):

        with refusal_on(form) as attempt:
            services.family_create(actor=request.user, ...)
        if attempt.ok:
            return redirect(...)

    The block runs in a savepoint, so when a service refuses (a `DomainError`) nothing the block did is kept, the
    refusal is shown on the forms (`show_refusal`: against the field it concerns, in the GOV.UK error summary) and
    `attempt.ok` is False. Refusals of the kinds in `passthrough` (for example `NotPermitted`, for the audited 403
    page) and every other exception go on up."""

    def __init__(self, *forms_: forms.Form, passthrough: tuple[type[Exception], ...] = (),
                 rename: dict[str, str] | None = None):
        self.forms = forms_
        self.passthrough = passthrough
        self.rename = rename
        self.ok = False
        self.error: DomainError | None = None

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._atomic.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self.ok = True
            return False
        if not issubclass(exc_type, DomainError) or issubclass(exc_type, self.passthrough):
            return False
        self.error = exc
        show_refusal(self.forms, exc, rename=self.rename)
        return True


def run_on_form(form: forms.Form, call) -> bool:
    """Run `call()` (a view's one call to a service) in `refusal_on(form)`, a refusal shown on the form, while
    NotPermitted goes on up to the audited 403 page. Whether the call succeeded."""
    with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
        call()
    return attempt.ok
