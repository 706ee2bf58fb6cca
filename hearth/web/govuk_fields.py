"""Django form fields rendered with GOV.UK Frontend macros.

`govuk_field(bound_field)` turns a bound field into the name of a GOV.UK macro and exactly the
arguments that macro takes, so templates write `{{ field(form.name) }}` and get the official markup,
with the error message and the error summary link in the GOV.UK pattern.
"""

from django import forms

from hearth.web.forms import GovDateWidget, bound_field


def _error(bf):
    return {"text": bf.errors[0]} if bf.errors else None


def _label(bf, extra):
    text = extra.pop("label", None) or bf.label
    classes = extra.pop("label_classes", "")
    return {"text": text, "classes": classes, "isPageHeading": extra.pop("is_page_heading", False)}


def _fieldset(bf, extra):
    return {"legend": {"text": extra.pop("label", None) or bf.label, "classes": "govuk-fieldset__legend--s"}}


def _choices(macro: str, bf, base: dict, extra: dict, items: list[dict]) -> tuple[str, dict]:
    """Radios or checkboxes in a fieldset whose legend is the field's label; the first item carries the field's id,
    where the error summary links."""
    if items:
        items[0]["id"] = bf.auto_id
    return macro, {
        **{k: v for k, v in base.items() if k != "id"},
        "idPrefix": bf.auto_id,
        "fieldset": _fieldset(bf, extra),
        "items": items,
        **extra,
    }


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
            "fieldset": _fieldset(bf, extra),
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
        return _choices("checkboxes", bf, base, extra, items)
    if isinstance(widget, forms.RadioSelect):
        value = bf.value()
        items = [
            {"value": v, "text": str(t), "checked": str(v) == str(value)} for v, t in bf.field.choices if v != ""
        ]
        return _choices("radios", bf, base, extra, items)
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
