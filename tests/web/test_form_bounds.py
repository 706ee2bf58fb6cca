"""Every form field has a bound, and says so in GOV.UK English (hearth/web/forms.py: GovForm, bound_field,
GovDateField). tests/web/test_hostile_input.py sends the service hostile values; these check the rules themselves."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms

import hearth
from hearth.web.forms import (
    FIRST_YEAR,
    LONG_TEXT,
    SHORT_TEXT,
    YEARS_AHEAD,
    GovDateField,
    GovForm,
    record_number,
    text_area,
)
from hearth.web.govuk_fields import govuk_field

# Forms that are not GovForms, and why.
NOT_GOV_FORMS = {
    "hearth.accounts.forms.OutboxPasswordResetForm": "Django's password reset form, with its email sent by the outbox",
}


def _form_classes():
    """Every form class the service defines, in its apps' forms and views modules."""
    found = {}
    for app in pkgutil.iter_modules(hearth.__path__):
        for module_name in ("forms", "views", "admin_views"):
            try:
                module = importlib.import_module(f"hearth.{app.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


FORMS = _form_classes()


def test_every_form_of_the_service_is_a_gov_form():
    assert len(FORMS) > 50
    strays = sorted(name for name, cls in FORMS.items() if not issubclass(cls, GovForm) and name not in NOT_GOV_FORMS)
    assert strays == [], "make these forms hearth.web.forms.GovForm, so that every field is bounded"


@pytest.mark.parametrize("name", sorted(n for n, cls in FORMS.items() if issubclass(cls, GovForm)))
def test_every_declared_text_field_has_a_length_chosen_for_it(name):
    unbounded = [field_name for field_name, field in FORMS[name].base_fields.items()
                 if isinstance(field, forms.CharField) and field.max_length is None
                 and not isinstance(field.widget, forms.PasswordInput)]
    assert unbounded == [], f"give these fields of {name} a max_length suited to them"


class _Form(GovForm):
    title = forms.CharField(label="Title")
    notes = forms.CharField(label="What happened next?", widget=forms.Textarea, required=False)
    count = forms.IntegerField(label="Number of children", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")], required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on = GovDateField(label="Date of the visit", required=False)


def _errors(**data):
    form = _Form(data)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_unbounded_text_gets_the_default_bound_with_a_gov_uk_message():
    assert _errors(title="x" * (SHORT_TEXT + 1)) == {"title": [f"Title must be {SHORT_TEXT} characters or fewer"]}
    assert _errors(title="ok", notes="x" * (LONG_TEXT + 1)) == {
        "notes": [f"Your answer must be {LONG_TEXT:,} characters or fewer"]}
    assert _errors(title="ok", notes="x" * LONG_TEXT) == {}


def test_numbers_choices_and_hidden_fields_are_bounded_in_plain_english():
    assert _errors(title="ok", count="99999999999999999999") == {
        "count": ["Number of children must be 2,147,483,647 or less"]}
    assert _errors(title="ok", count="-1") == {"count": ["Number of children must be 0 or more"]}
    assert _errors(title="ok", count="twelve") == {"count": ["Number of children must be a whole number, like 12"]}
    assert _errors(title="ok", kind="z") == {"kind": ["Select kind"]}
    assert _errors(title="ok", version="1e99")["version"][0].startswith("This page was out of date")
    assert _errors(title="a\x00b") == {"title": ["Title must not include hidden characters"]}
    assert _errors() == {"title": ["Enter title"]}


def _date(day, month, year):
    return _errors(title="ok", **{"on-day": day, "on-month": month, "on-year": year}).get("on", [None])[0]


def test_a_date_is_checked_part_by_part_before_it_becomes_a_date():
    this_year = datetime.date.today().year
    four_numbers = f"Date of the visit must include a year with 4 numbers, like {this_year}"
    assert _date("1", "2", "2025") is None
    assert _date("1", "2", "99999999999999999999") == four_numbers
    assert _date("1", "2", "25") == four_numbers
    assert _date("99999999999999999999", "2", "2025") == "Date of the visit must be a real date"
    assert _date("1", "-2", "2025") == "Date of the visit must be a real date, using numbers"
    assert _date("١", "2", "2025") == "Date of the visit must be a real date, using numbers"
    assert _date("31", "2", "2025") == "Date of the visit must be a real date"
    assert _date("1", "2", str(FIRST_YEAR - 1)) == (
        f"Date of the visit must include a year with 4 numbers, after {FIRST_YEAR}")
    assert _date("1", "2", "9999") == f"Date of the visit must be a real date, before {this_year + YEARS_AHEAD + 1}"
    assert _date("1", "", "2025") == "Date of the visit must include a month"


def test_a_textarea_is_rendered_with_the_gov_uk_character_count():
    class Note(GovForm):
        body = text_area("Details", max_length=10_000, rows=6)
        line = forms.CharField(label="Summary", max_length=200)

    form = Note()
    kind, params = govuk_field(form["body"])
    assert kind == "character_count" and params["maxlength"] == 10_000 and params["rows"] == 6
    assert govuk_field(form["line"])[0] == "input"


@pytest.mark.django_db
def test_the_case_note_page_counts_the_characters_of_its_details(client_for, practitioner, family):
    page = client_for(practitioner).get(f"/families/{family.pk}/notes").content.decode()
    assert 'data-module="govuk-character-count"' in page and 'data-maxlength="10000"' in page
    assert "You can enter up to 10000 characters" in page


# ---------------------------------------------------------------------------------------------------------------
# Input a view reads itself


def test_a_record_number_is_ascii_digits_of_a_sensible_length():
    assert record_number("12") == 12 and record_number(12) == 12
    for text in ("", None, "²", "١٢", "-1", "1.0", " 1", "1" * 19, "99999999999999999999"):
        assert record_number(text) is None, text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-01-01_²", "2026-01-01T00:00:00+00:00_99999999999999999999", "9999-12-31_1"])
def test_the_dashboards_page_cursors_refuse_what_is_not_a_cursor(client_for, practitioner, family, value):
    client = client_for(practitioner)
    for query in ({"after": value}, {"before": value}, {"reviews_after": value, "actions_before": value}):
        assert client.get("/", query).status_code == 200
        assert client.get("/work/due", query).status_code == 200


@pytest.mark.django_db
def test_record_numbers_in_queries_that_are_not_numbers_are_ignored(client_for, practitioner, dpo, episode):
    for value in ("²", "99999999999999999999", "-1"):
        # as if no one were chosen: the request page asks for a person (403), subject access searches for them
        assert client_for(dpo).get("/dpo/requests/new", {"person": value}).status_code == 403
        assert client_for(dpo).get("/subject-access/new", {"person": value}).status_code == 200
        page = f"/episodes/{episode.pk}/plan/outcomes/new?meeting={value}"
        sent = client_for(practitioner).post(page, {"description": "Sam goes to school every day", "meeting_id": value})
        assert sent.status_code == 302 and sent["Location"] == f"/episodes/{episode.pk}/plan"


@pytest.mark.django_db
def test_a_status_change_by_hand_bounds_its_note(client_for, practitioner, episode):
    url = f"/episodes/{episode.pk}/status/social_work_concluded"
    page = client_for(practitioner).post(url, {"note": "x" * 5_001})
    assert page.status_code == 200
    assert "The note must be 5,000 characters or fewer" in page.content.decode()
