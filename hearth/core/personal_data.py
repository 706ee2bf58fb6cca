"""The register of personal data: every record Hearth keeps about people and families, declared once.

Each app declares its records in its own `personal_data.py` (a list of `Record`) and adds them here in its
`AppConfig.ready()` with `declare`. A record says, for one model:

- what it is, in plain English (`one`, `many`): the audit history in a subject access bundle and the pages that
  list records use these words;
- its retention record type (`retention`, one of the council profile's record types: `hearth.retention.rules`);
- the section of a subject access bundle it appears in (`sar_section`), or why it is not in one (`not_in_sar`);
- how erasing a person treats it (`erasure`, an `Erasure`);
- which copies given to the family or to others include it (`copies`, kinds of the information-sharing register's
  entries, such as "plan_copy").

Subject access compilation (`hearth.subject_access.compile`), retention and disposal (`hearth.retention.rules`),
erasure (`hearth.families.erasure.person_erase` and the erasure page) and the copy pages (`hearth.documents`)
read this register rather than lists of their own. Each of them checks, at start, that what it reads here is
something it knows (a system check), and `tests/core/test_personal_data.py` fails when a model that refers to a
person or a family, directly or through another such record, is not declared.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from hearth.core.hooks import Hook


class Erasure(Enum):
    """How erasing a person (UK GDPR Article 17) treats a record."""

    PLACEHOLDER = "Left as a placeholder, “Erased person”, with no details, so that other records still hold together"
    ERASED = "Erased with the whole person record"
    CHECKED = ("Kept, linked to the placeholder; counted on the erasure page so that the officer can check its "
               "free text by hand")
    KEPT = "Kept: a record of the family or of the council's work, not of the one person"


@dataclass(frozen=True)
class Record:
    model: str  # the model's label, lower case: "cases.casenote"
    one: str  # one of them, as a phrase: "a case note"
    many: str  # them all, as a heading: "Case notes"
    retention: str  # the retention record type
    erasure: Erasure
    sar_section: str = ""  # the key of the subject access bundle's section that holds it
    not_in_sar: str = ""  # why it is in no section, when it is not
    copies: tuple[str, ...] = ()  # the kinds of copy that include it
    formerly: tuple[str, ...] = ()  # labels the model had before it moved app, which older audit rows still name

    def __post_init__(self):
        if bool(self.sar_section) == bool(self.not_in_sar):
            raise ImproperlyConfigured(f"{self.model}: name its subject access section, or say why it is in none")

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.model, *self.formerly)

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def rows_about(self, person):
        """This record's rows that refer to the person, by any of its references to a person: every row held, those
        a model's default manager leaves out included (a withdrawn action is still held)."""
        refers = Q()
        for name in self.person_fields():
            refers |= Q(**{name: person})
        return self.model_class._base_manager.filter(refers)

    def person_fields(self) -> list[str]:
        """The fields by which this record refers to a person directly."""
        person = apps.get_model("people", "person")
        return [f.name for f in self.model_class._meta.concrete_fields
                if f.is_relation and f.related_model is person]


register = Hook("the register of personal data", expects=(
    "core", "people", "cases", "assessments", "plans", "outcomes", "consent", "referrals", "sharing", "access",
    "subject_access", "retention", "rights", "breaches", "supporting_families"))

# The audit log's record, declared by core (`CoreConfig.ready`) because the audit app is the one app below core.
AUDIT_LOG = Record("governance.auditevent", "the audit log", "Who looked at or changed the record (the audit log)",
                   retention="audit_log", erasure=Erasure.KEPT, sar_section="access")


def declare(app: str, records: Iterable[Record]) -> None:
    """Add an app's records (from its `AppConfig.ready()`); a model declared twice fails at start."""
    for record in records:
        if any(entry.key == record.model for entry in register.entries):
            raise ImproperlyConfigured(f"{record.model} is declared in the register of personal data twice")
        register.register(app, record, key=record.model)
    _by_label.clear()


def records() -> list[Record]:
    return register.items()


_SOUNDS_LIKE_YOU = ("uni", "use", "usu", "uti", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honour", "heir")


def with_article(noun: str) -> str:
    """'a case note', 'an episode', 'a user', 'an hour': for a record the register does not name (its `one` already
    holds its article)."""
    word = noun.strip().lower()
    vowel_sound = (word[:1] in "aeiou" and not word.startswith(_SOUNDS_LIKE_YOU)) or word.startswith(_SILENT_H)
    return f"{'an' if vowel_sound else 'a'} {noun.strip()}"


_by_label: dict[str, Record] = {}  # every label of every record, filled on first use after the apps are ready


def record_for(model_label: str) -> Record | None:
    """The record a label names: its model's label, or one it had before it moved app."""
    if not _by_label:
        _by_label.update({label: r for r in register.items() for label in r.labels})
    return _by_label.get(model_label)


def in_section(key: str) -> list[Record]:
    return [r for r in register.items() if r.sar_section == key]


def in_copy(kind: str) -> list[Record]:
    return [r for r in register.items() if kind in r.copies]


def with_erasure(erasure: Erasure) -> list[Record]:
    return [r for r in register.items() if r.erasure is erasure]


ERASURE_WORDS = {Erasure.PLACEHOLDER: "placeholder", Erasure.ERASED: "erased", Erasure.CHECKED: "kept, counted",
                 Erasure.KEPT: "kept"}


def as_markdown() -> str:
    """The register as a Markdown table, for the data protection officer and docs/architecture.md."""
    rows = ["| record | model | retention | subject access section | erasure | copies |", "|---|---|---|---|---|---|"]
    for r in sorted(records(), key=lambda r: r.model):
        section = r.sar_section or f"none: {r.not_in_sar}"
        rows.append(f"| {r.many} | `{r.model}` | {r.retention} | {section} | {ERASURE_WORDS[r.erasure]} | "
                    f"{', '.join(r.copies)} |")
    return "\n".join(rows) + "\n"
