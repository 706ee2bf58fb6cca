"""A form's errors in the GOV.UK pattern: the error summary's list (`error_list`), and a service's refusal shown
against the field it concerns (`refusal_on`, `run_on_form`, `show_refusal`, `show_checks`)."""

from django import forms
from django.db import transaction

from hearth.core.errors import DomainError, NotPermitted, ValidationFailed
from hearth.web.forms import GovDateWidget


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
