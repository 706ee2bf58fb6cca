"""The error summary lists errors in the form's field order (hearth/web/forms.py: error_list), so every form must
declare its fields in the order its page shows them. This reads each app's templates for the fields they render
(`field(form.name)`, in page order) and checks them against the app's forms that have those fields."""

import re
from pathlib import Path

import pytest

import hearth
from hearth.plans.forms import MeetingForm
from tests.web.test_form_bounds import FORMS

_FIELD = re.compile(r"field\(\s*(\w+)\.(\w+)")
TEMPLATES = sorted(Path(hearth.__file__).parent.glob("*/templates/**/*.html"))

# Templates whose fields are in page order although the form's differ, and why.
NOT_IN_ORDER = {
    "consent/_own_decision.html": "the competence questions are revealed inside 'They are', under one of its "
                                  "answers, so they follow it on the page though the template writes them first",
}


def _declared(cls) -> list[str]:
    names = list(cls.base_fields)
    first = [n for n in (getattr(cls, "field_order", None) or []) if n in names]
    return first + [n for n in names if n not in first]


def _rendered(template: Path) -> dict[str, list[str]]:
    """Each form variable's fields, in the order the template renders them."""
    groups: dict[str, list[str]] = {}
    for var, name in _FIELD.findall(template.read_text()):
        names = groups.setdefault(var, [])
        if name not in names:
            names.append(name)
    return groups


def _case(template: Path) -> str:
    return str(template.relative_to(template.parents[2])).split("templates/", 1)[-1]


@pytest.mark.parametrize("template", TEMPLATES, ids=_case)
def test_each_form_declares_its_fields_in_the_order_its_page_shows_them(template):
    name = _case(template)
    if name in NOT_IN_ORDER:
        return
    app = template.relative_to(Path(hearth.__file__).parent).parts[0]
    wrong = []
    for names in _rendered(template).values():
        if len(names) < 2:
            continue
        for form_name, cls in FORMS.items():
            declared = _declared(cls)
            if not form_name.startswith(f"hearth.{app}.") or not all(n in declared for n in names):
                continue
            if sorted(names, key=declared.index) != names:
                wrong.append(f"{form_name} declares {[n for n in declared if n in names]}, the page shows {names}")
    assert wrong == [], "reorder the form's fields (or its field_order) to match its page"


def test_the_check_finds_a_form_out_of_order(tmp_path, monkeypatch):
    page = tmp_path / "dpo" / "templates" / "dpo" / "report.html"
    page.parent.mkdir(parents=True)
    page.write_text("{{ field(form.date_to) }}{{ field(form.date_from) }}")
    monkeypatch.setattr(hearth, "__file__", str(tmp_path / "__init__.py"))
    with pytest.raises(AssertionError, match="DateRangeForm declares"):
        test_each_form_declares_its_fields_in_the_order_its_page_shows_them(page)


def test_a_meeting_s_extra_invitees_come_where_the_page_shows_them():
    form = MeetingForm(choices={"involved": [], "others": [], "members": []})
    assert list(form.fields) == ["kind", "date", "time", "location", "practitioners", "also_1", "also_2", "also_3",
                                 "family_members"]
