"""GOV.UK messages and the error summary's order (hearth/web/forms.py): no Django default reaches the page whatever
kind of field fails, the summary lists errors in the order the page shows the fields, and a service's checks are
shown with the form's own on the first submit (`show_checks`)."""

import pytest
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import formset_factory

from hearth.core.errors import DomainError, ValidationFailed
from hearth.core.models import Council
from hearth.web.forms import OUT_OF_DATE, GovDateField, GovForm, in_djangos_words
from hearth.web.refusals import apply_domain_error, error_list, show_checks, show_refusal
from tests.web.test_hostile_input import DJANGO_DEFAULTS


class _Kinds(GovForm):
    email = forms.EmailField(label="Email address", required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    postcode = forms.CharField(label="Postcode", max_length=8, required=False)
    code = forms.CharField(label="Code", min_length=3, max_length=10, required=False)
    amount = forms.DecimalField(label="Amount", max_digits=5, decimal_places=2, required=False)
    ratio = forms.FloatField(label="Ratio", required=False)
    count = forms.IntegerField(label="Number of children", required=False, step_size=2)
    colour = forms.ChoiceField(label="Colour", choices=[("red", "Red"), ("blue", "Blue")], required=False)
    colours = forms.MultipleChoiceField(label="Colours", choices=[("red", "Red")], required=False)
    pattern = forms.CharField(label="Pattern", max_length=20, required=False,
                              validators=[validators.RegexValidator(r"^[a-z]+$")])
    day = forms.DateField(label="Day", required=False)
    at = forms.TimeField(label="Time", required=False)
    reference = forms.UUIDField(label="Reference", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _messages(**data) -> dict[str, list[str]]:
    form = _Kinds(data)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(("data", "expected"), [
    ({"email": "not an email"}, "Enter an email address in the correct format, like name@example.com"),
    ({"website": "http//nowhere"}, "Enter a web address in the correct format, like https://www.example.com"),
    ({"postcode": "OX1 1AAAAA"}, "Postcode must be 8 characters or fewer"),
    ({"code": "ab"}, "Code must be 3 characters or more"),
    ({"amount": "lots"}, "Amount must be a number, like 12.5"),
    ({"amount": "1.234"}, "Amount must have 2 decimal places or fewer"),
    ({"amount": "12345"}, "Amount must have 3 digits or fewer before the decimal point"),
    ({"ratio": "half"}, "Ratio must be a number, like 12.5"),
    ({"count": "3"}, "Number of children must be a multiple of 2"),
    ({"count": "1e9"}, "Number of children must be a whole number, like 12"),
    ({"colour": "green"}, "Select colour"),
    ({"colours": ["green"]}, "Select colours"),
    ({"pattern": "ABC"}, "Enter pattern in the correct format"),
    ({"day": "yesterday"}, "Day must be a real date"),
    ({"at": "teatime"}, "Time must be a real time, like 14:30"),
    ({"reference": "x"}, "Enter reference in the correct format"),
    ({"version": "a\x00b"}, OUT_OF_DATE),
    ({"code": "a\x00bcd"}, "Code must not include hidden characters"),
])
def test_each_kind_of_field_says_what_is_wrong_in_gov_uk_english(data, expected):
    errors = _messages(**data)
    assert list(errors.values()) == [[expected]]
    assert not in_djangos_words(expected)


def test_a_model_choice_refuses_hidden_characters_in_its_own_words():
    class Choose(GovForm):
        council = forms.ModelChoiceField(queryset=Council.objects.none(), label="Council")

    form = Choose({"council": "a\x00b"})
    assert not form.is_valid()  # Django raises this one before it looks up the field's messages
    assert form.errors["council"] == ["Council must not include hidden characters"]


def test_django_s_own_phrasings_are_recognised():
    for text in ("This field is required.", "Ensure this value has at most 8 characters (it has 10).",
                 "Select a valid choice. x is not one of the available choices.", "Enter a valid email address.",
                 "Ensure that there are no more than 2 decimal places.", "Enter a number.",
                 "“x” is not a valid value.", "Null characters are not allowed.", "Enter a list of values."):
        assert in_djangos_words(text), text
    assert not in_djangos_words("Enter the date the breach was discovered")


# ---------------------------------------------------------------------------------------------------------------
# The error summary's order


class _Visit(GovForm):
    title = forms.CharField(label="Title", max_length=20)
    on = GovDateField(label="Date of the visit", required=False)
    until = GovDateField(label="Date it ended", required=False)
    notes = forms.CharField(label="Notes", max_length=20, required=False)

    error_places = {"ended": "until"}

    def clean(self):
        data = super().clean()
        # added after every field's own error, about a field higher up the page
        if data.get("notes") == "late":
            self.add_error("title", "Give the visit a title that says it was late")
        if data.get("notes") == "odd":
            raise forms.ValidationError("Something is odd about this visit")
        return data


def _summary(form) -> list[tuple[str, str]]:
    form.is_valid()
    return [(item["href"], item["text"]) for item in error_list(form)]


def test_the_summary_lists_errors_in_the_order_the_page_shows_the_fields():
    form = _Visit({"title": "x" * 21, "on-day": "31", "on-month": "2", "on-year": "2025", "notes": "late"})
    assert _summary(form) == [
        ("#id_title", "Title must be 20 characters or fewer"),
        ("#id_title", "Give the visit a title that says it was late"),
        ("#id_on-day", "Date of the visit must be a real date"),
    ]


def test_an_error_about_no_one_field_comes_first():
    form = _Visit({"title": "", "notes": "odd"})
    form.is_valid()
    form.add_error("notes", "Notes are needed")
    assert _summary(form) == [("#main-content", "Something is odd about this visit"),
                              ("#id_title", "Enter title"), ("#id_notes", "Notes are needed")]


def test_a_refusal_is_shown_at_the_field_it_concerns_in_the_page_s_order():
    form = _Visit({"title": "A visit"})
    assert form.is_valid()
    apply_domain_error(form, ValidationFailed({"notes": "Say what happened", "ended": "It must end after it began",
                                               "title": "That title is taken", "elsewhere": "Something else"}))
    assert _summary(form) == [("#main-content", "Something else"), ("#id_title", "That title is taken"),
                              ("#id_until-day", "It must end after it began"), ("#id_notes", "Say what happened")]
    other = _Visit({"title": "A visit"})
    other.is_valid()
    apply_domain_error(other, DomainError("Ended too soon", field="ended"))
    assert _summary(other) == [("#id_until-day", "Ended too soon")]


def test_a_refusal_on_a_page_of_two_forms_goes_to_the_form_with_the_field():
    first, second = _Visit({"title": "One"}), _Kinds({})
    first.is_valid(), second.is_valid()
    show_refusal([first, second], ValidationFailed({"postcode": "Enter a real postcode", "ended": "Too soon"}))
    assert second.errors == {"postcode": ["Enter a real postcode"]} and first.errors == {"until": ["Too soon"]}


def test_the_service_s_checks_are_shown_with_the_form_s_own_but_never_twice_at_a_field():
    class _Timed(_Visit):
        until_time = forms.CharField(label="Time", max_length=5, required=False)
        shown_with = {"until": ("until_time",)}
        field_order = ["title", "on", "until", "until_time", "notes"]

    form = _Timed({"title": "", "until_time": "x" * 6})
    assert not form.is_valid()
    show_checks(form, {"title": "Give the visit a title", "until": "Enter the date and time it ended",
                       "notes": "Say what happened", "ended": "Ignored: its field has an error",
                       "other": "About the whole visit"})
    assert _summary(form) == [
        ("#main-content", "About the whole visit"),
        ("#id_title", "Enter title"),
        ("#id_until_time", "Time must be 5 characters or fewer"),
        ("#id_notes", "Say what happened"),  # a field after the time box: the page's order, not the checks'

    ]


# ---------------------------------------------------------------------------------------------------------------
# Knowing Django's own words, so that the checks for them can fail


def _djangos_own_messages() -> list[str]:
    """What Django's own fields, validators, formsets and model checks say, with no form giving its own words."""
    triggers = [
        (forms.CharField(), ""), (forms.CharField(max_length=2), "abc"), (forms.CharField(min_length=5), "ab"),
        (forms.CharField(), "a\x00b"), (forms.IntegerField(), "x"), (forms.IntegerField(max_value=1), "5"),
        (forms.IntegerField(min_value=1), "0"), (forms.IntegerField(step_size=2), "3"), (forms.FloatField(), "x"),
        (forms.DecimalField(), "x"), (forms.DecimalField(max_digits=3, decimal_places=1), "1.25"),
        (forms.DecimalField(max_digits=3, decimal_places=1), "123"), (forms.EmailField(), "x"),
        (forms.URLField(assume_scheme="https"), "http//x"), (forms.ChoiceField(choices=[("a", "A")]), "b"),
        (forms.MultipleChoiceField(choices=[("a", "A")]), ["b"]), (forms.MultipleChoiceField(choices=[]), "b"),
        (forms.DateField(), "x"), (forms.TimeField(), "x"), (forms.DateTimeField(), "x"), (forms.UUIDField(), "x"),
        (forms.SlugField(), "a b"), (forms.JSONField(), "{"), (forms.DurationField(), "x"),
        (forms.RegexField(r"^a$"), "b"), (forms.GenericIPAddressField(), "x"),
        (forms.SplitDateTimeField(), ["2026-01-01", ""]),
    ]
    said = []
    for field, value in triggers:
        try:
            field.clean(value)
        except forms.ValidationError as exc:
            said.extend(exc.messages)
    cities = formset_factory(forms.Form, max_num=1, validate_max=True)(
        {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"})
    cities.is_valid()
    said.extend(cities.non_form_errors())
    for field in (models.CharField(max_length=5), models.IntegerField()):
        try:
            field.clean(None if isinstance(field, models.IntegerField) else "", None)
        except ValidationError as exc:
            said.extend(exc.messages)
    return said


def test_every_message_django_gives_in_its_own_words_is_recognised_here_and_by_the_hostile_input_test():
    said = _djangos_own_messages()
    assert len(said) > 25
    missed_here = [m for m in said if not in_djangos_words(m)]
    missed_there = [m for m in said if not any(d in m for d in DJANGO_DEFAULTS)]
    assert missed_here == [] and missed_there == []
