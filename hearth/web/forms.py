"""Django forms rendered with GOV.UK Frontend macros.

`govuk_field(bound_field)` turns a bound field into the name of a GOV.UK macro and exactly the
arguments that macro takes, so templates write `{{ field(form.name) }}` and get the official markup,
with the error message and the error summary link in the GOV.UK pattern.
"""

import datetime

from django import forms
from django.db import transaction

from hearth.core.errors import DomainError, NotPermitted, ValidationFailed


class GovDateWidget(forms.Widget):
    """Day, month and year boxes named <name>-day, <name>-month, <name>-year (GOV.UK date input)."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        values = tuple((data.get(f"{name}-{part}") or "").strip() for part in self.parts)
        return None if not any(values) else values


class GovDateField(forms.Field):
    widget = GovDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs):
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", ()):
            return None
        if isinstance(value, datetime.date):
            return value
        label = (self.label or "Date").capitalize()
        day, month, year = value
        missing = [part for part, v in zip(GovDateWidget.parts, value, strict=True) if not v]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            d, m, y = int(day), int(month), int(year)
        except ValueError as exc:
            raise forms.ValidationError(f"{label} must be a real date, using numbers") from exc
        if y < 1900:
            raise forms.ValidationError(f"{label} must include a year with 4 numbers, after 1900")
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
        return "textarea", {**base, "label": _label(bf, extra), "value": bf.value() or "", **extra}
    input_type = getattr(widget, "input_type", "text")
    params = {**base, "label": _label(bf, extra), "type": input_type, **extra}
    if input_type != "password":
        params["value"] = bf.value() if bf.value() is not None else ""
    if input_type == "password":
        params["autocomplete"] = params.get("autocomplete", "current-password")
    return "input", params


def error_list(form) -> list[dict]:
    """The GOV.UK error summary's list: each error links to its field. Accepts a group of forms too."""
    if hasattr(form, "forms"):
        return [item for f in form.forms for item in error_list(f)]
    items = [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            continue
        bf = form[name]
        href = f"#{bf.auto_id}-day" if isinstance(bf.field.widget, GovDateWidget) else f"#{bf.auto_id}"
        items.extend({"text": str(e), "href": href} for e in errors)
    return items


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form, against the field it concerns where the form has it."""
    if isinstance(error, ValidationFailed):
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(error.field if error.field in form.fields else None, error.message)


def show_refusal(forms_, error: DomainError, *, rename: dict[str, str] | None = None) -> None:
    """A service's refusal on a page of one or more forms: each field's message on the form that has the field
    (under the form's name for it, where `rename` maps the service's), anything else on the first form."""
    if not isinstance(error, ValidationFailed):
        apply_domain_error(forms_[0], error)
        return
    for key, message in error.errors.items():
        key = (rename or {}).get(key, key)
        target = next((f for f in forms_ if key in f.fields), forms_[0])
        target.add_error(key if key in target.fields else None, message)


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
