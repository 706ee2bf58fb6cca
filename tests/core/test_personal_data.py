"""The register of personal data: every model that refers to a person or a family is declared, once, and what each
declaration names (a retention record type, a subject access section, a kind of copy) is something the app that
reads it knows."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from hearth.core import personal_data
from hearth.core.personal_data import Erasure, Record
from hearth.documents import copies
from hearth.people.models import Family, Person
from hearth.retention import rules
from hearth.sharing.models import DisclosureKind
from hearth.subject_access import compile as compiler


def _refers_to(model, targets) -> bool:
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return any(f.is_relation and f.related_model in targets for f in fields)


def _about_people_or_families() -> set[str]:
    """Every model that refers to a person or a family, or to a record that does, however many steps away."""
    found = {Person, Family}
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    grew = True
    while grew:
        grew = False
        for model in models:
            if model not in found and _refers_to(model, found):
                found.add(model)
                grew = True
    return {m._meta.label_lower for m in found}


def test_every_model_about_a_person_or_a_family_is_declared():
    declared = {r.model for r in personal_data.records()}
    assert _about_people_or_families() - declared == set()


def test_every_declared_model_exists_and_is_declared_once():
    labels = [r.model for r in personal_data.records()]
    assert len(labels) == len(set(labels))
    for record in personal_data.records():
        assert record.model_class._meta.label_lower == record.model


def test_the_audit_log_is_declared_though_it_refers_to_people_by_number():
    record = personal_data.record_for("governance.auditevent")
    assert record.retention == rules.AUDIT_LOG and record.sar_section == "access"


def test_each_declaration_names_a_known_record_type_section_and_kind_of_copy():
    sections = {s.key for s in compiler.SECTIONS}
    kinds = set(DisclosureKind.values)
    for record in personal_data.records():
        assert record.retention in rules.RECORD_TYPE_LABELS, record.model
        assert not record.sar_section or record.sar_section in sections, record.model
        assert set(record.copies) <= kinds, record.model
    assert rules.register_is_known() == [] and compiler.sections_match_register() == []
    assert copies.register_is_known() == []


def test_a_record_names_its_subject_access_section_or_says_why_it_is_in_none():
    with pytest.raises(ImproperlyConfigured, match="say why"):
        Record("cases.casenote", "a case note", "Case notes", retention="case_notes", erasure=Erasure.KEPT)
    with pytest.raises(ImproperlyConfigured, match="say why"):
        Record("cases.casenote", "a case note", "Case notes", retention="case_notes", erasure=Erasure.KEPT,
               sar_section="notes", not_in_sar="Because")


def test_a_model_declared_twice_fails_at_start():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        personal_data.declare("outcomes", [personal_data.record_for("cases.casenote")])


def test_records_that_name_a_person_are_either_erased_with_them_or_counted_for_the_officer():
    """A record with a reference to a person is never silently kept: erasing the person erases it, or the erasure
    page counts it so that the officer checks its free text; the council's own records about requests are kept."""
    for record in personal_data.records():
        if record.person_fields() and record.erasure is Erasure.KEPT:
            assert record.retention == rules.DATA_PROTECTION, record.model


def test_what_goes_with_a_whole_person_refers_to_them():
    erased = personal_data.with_erasure(Erasure.ERASED)
    assert {r.model for r in erased} == {"people.personname", "people.address", "people.relationship",
                                         "people.familymember"}
    assert all(r.person_fields() for r in erased)


def test_the_register_in_the_architecture_document_is_the_register_in_the_code():
    """docs/architecture.md shows the register as `hearth personal-data` prints it; regenerate it after a change."""
    out = StringIO()
    call_command("personal_data", stdout=out)
    assert out.getvalue() == personal_data.as_markdown()
    assert personal_data.as_markdown() in (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text()


def test_a_record_is_found_by_the_label_it_had_before_it_moved_app():
    """Audit rows and register entries written before the breach log and rights requests left `dpo` keep its labels;
    the subject access history still names them."""
    assert personal_data.record_for("dpo.rightsrequest").model == "rights.rightsrequest"
    assert personal_data.record_for("dpo.incident").model == "breaches.incident"


@pytest.mark.parametrize("noun, phrase", [
    ("episode", "an episode"), ("case note", "a case note"), ("outcome score", "an outcome score"),
    ("user", "a user"), ("unit", "a unit"), ("hour's notice", "an hour's notice"), ("item", "an item"),
    ("one-off visit", "a one-off visit"), ("European form", "a European form"), ("umbrella", "an umbrella"),
])
def test_a_phrase_takes_a_or_an_by_the_sound_of_its_first_word(noun, phrase):
    assert personal_data.with_article(noun) == phrase
