"""The subject access bundle: its sections, items and fields, and what every section is built from.

Every item has a key (`casenote:12`), and every field a key within it (`casenote:12/body`): the data protection
officer withholds an item or one field by its key. `Bundle.for_release()` removes what is withheld (content and
metadata alike), and the released PDF and JSON are made from that alone. The sections themselves are built in
`hearth.subject_access.sections`, one module for each part of the record, and put together by `compile.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property

from django.utils import timezone

from hearth.cases.models import Episode
from hearth.people.models import Person
from hearth.subject_access.models import Withholding

FORMAT = "hearth-subject-access/1"
INLINE_TEXT = 160  # free text up to this length, on one line, is printed after its label


# ---------------------------------------------------------------------------------------------------------
# The bundle


@dataclass
class Field:
    key: str
    label: str
    value: str
    long: bool = False  # free text: shown under its label, keeping line breaks
    withheld: Withholding | None = None

    @property
    def inline(self) -> bool:
        """Printed on one line after its label: a short value, or free text short enough and on one line."""
        return not self.long or (len(self.value) <= INLINE_TEXT and "\n" not in self.value)


@dataclass
class Item:
    key: str
    title: str
    on: date | None = None
    group: str = ""  # a sub-heading shared by the items that follow (an episode, an assessment, a month)
    fields: list[Field] = field(default_factory=list)
    warning: str = ""  # for the data protection officer only; never released
    withheld: Withholding | None = None


@dataclass
class Section:
    key: str
    title: str
    intro: str
    empty: str
    items: list[Item] = field(default_factory=list)
    grouped: bool = False

    def groups(self) -> list[tuple[str, list[Item]]]:
        """Consecutive items under their sub-heading, in order."""
        out: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.group:
                out.append((item.group, []))
            out[-1][1].append(item)
        return out


@dataclass
class Bundle:
    sar: object
    subject: Person
    council: object
    compiled_at: datetime
    sections: list[Section]
    withholdings: list[Withholding] = field(default_factory=list)
    family_ids: list[int] = field(default_factory=list)
    released: bool = False  # True once withheld content has been removed (for_release)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def item(self, key: str) -> Item | None:
        item_key = key.split("/", 1)[0]
        for section in self.sections:
            for item in section.items:
                if item.key == item_key:
                    return item
        return None

    @property
    def known_keys(self) -> set[str]:
        keys = set()
        for section in self.sections:
            for item in section.items:
                keys.add(item.key)
                keys.update(f.key for f in item.fields)
        return keys

    @property
    def stale_withholdings(self) -> list[Withholding]:
        """Withholdings whose item is no longer in the record (it was removed since)."""
        keys = self.known_keys
        return [w for w in self.withholdings if w.item_key not in keys]

    @property
    def withheld_reasons(self) -> list[str]:
        """The reasons for what is withheld, in plain English, each once (no item, count or place is named)."""
        seen = dict.fromkeys(w.get_reason_display() for w in self.withholdings)
        return list(seen)

    def for_release(self) -> "Bundle":
        """The bundle with every withheld item and field removed entirely, and the officer's warnings dropped."""
        keys = self.known_keys
        sections = []
        for section in self.sections:
            items = []
            for item in section.items:
                if item.withheld is not None:
                    continue
                fields = [replace(f, withheld=None) for f in item.fields if f.withheld is None]
                if item.fields and not fields:
                    continue  # every field withheld: the item goes too, so not even its title or date is left
                items.append(replace(item, fields=fields, warning="", withheld=None))
            sections.append(replace(section, items=items))
        withholdings = [w for w in self.withholdings if w.item_key in keys]
        return replace(self, sections=sections, withholdings=withholdings, released=True)

    def as_json(self) -> dict:
        """The machine-readable export: the same sections, items and fields as the PDF."""
        if not self.released:
            raise ValueError("Only a bundle made for release (for_release) is exported")
        return {
            "format": FORMAT,
            "reference": self.sar.reference,
            "council": self.council.name,
            "service": self.council.service_name,
            "subject": self.subject.full_name,
            "received_on": self.sar.received_on.isoformat(),
            "produced_at": timezone.localtime(self.compiled_at).isoformat(timespec="seconds"),
            "withheld": {
                "statement": withheld_statement(self) if self.withholdings else "",
                "reasons": self.withheld_reasons,
            },
            "sections": [
                {"key": s.key, "title": s.title, "description": s.intro, "items": [
                    {"key": i.key, "title": i.title, "date": i.on.isoformat() if i.on else None,
                     **({"group": i.group} if i.group else {}),
                     "fields": [{"key": f.key, "label": f.label, "value": f.value} for f in i.fields]}
                    for i in s.items]}
                for s in self.sections
            ],
        }


def withheld_statement(bundle: Bundle) -> str:
    return ("Some information has been left out of this copy. The law allows this, and sometimes requires it, "
            "to protect other people. We have left it out for these reasons: "
            + "; ".join(r[0].lower() + r[1:] for r in bundle.withheld_reasons) + ".")


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def who(user) -> str:
    if user is None:
        return "Not recorded"
    agency = getattr(user, "agency", None)
    return f"{user.full_name}, {agency.name}" if agency else user.full_name


def day(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def local_date(value) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def yes_no(value) -> str:
    return {True: "Yes", False: "No", None: "Not recorded"}[value]


class Builder:
    """Collects fields for one item, leaving out empty values."""

    def __init__(self, key: str):
        self.key = key
        self.fields: list[Field] = []

    def add(self, name: str, label: str, value, *, long: bool = False) -> "Builder":
        if value is None or value == "" or value == []:
            return self
        if isinstance(value, (date, datetime)):
            value = day(value)
        self.fields.append(Field(key=f"{self.key}/{name}", label=label, value=str(value).strip(), long=long))
        return self

    def item(self, title: str, on=None, group: str = "", warning: str = "") -> Item:
        return Item(key=self.key, title=title, on=local_date(on), group=group, fields=self.fields, warning=warning)



# ---------------------------------------------------------------------------------------------------------
# What every section starts from


@dataclass
class Subject:
    """The request's subject (with their names and addresses), their council, and the families they belong to."""

    sar: object
    council: object
    person: Person
    memberships: list  # their FamilyMember rows, with each family and its locality

    @property
    def family_ids(self) -> list[int]:
        return [m.family_id for m in self.memberships]

    @cached_property
    def episode_ids(self) -> list[int]:
        """The episodes of their families (one query, the first time it is asked)."""
        return list(Episode.objects.filter(family_id__in=self.family_ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class SectionSource:
    """One section of the bundle: its key, the records it shows (model labels, as the register of personal data
    declares them with this section), and `build(subject)`, which reads them in a fixed number of queries."""

    key: str
    covers: tuple[str, ...]
    build: Callable[[Subject], Section]
