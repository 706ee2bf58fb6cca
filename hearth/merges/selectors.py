"""Reading two records side by side before a merge, a merge afterwards, and what a person's page says of merges.
The comparison and the merge pages are the data protection officer's (`governance`), and audited."""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import CharField, Count, Q, Value

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import personal_data
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.families import display
from hearth.families.services import PERSON_FIELDS
from hearth.merges import services
from hearth.merges.models import Merge
from hearth.people.comparisons import Name
from hearth.people.match_model import Held
from hearth.people.models import Address, FamilyMember, NameKind, Person, PersonName


@dataclass
class Side:
    """One record as the comparison shows it."""

    person: Person
    names: list[PersonName] = field(default_factory=list)
    current_address: Address | None = None
    families: list[str] = field(default_factory=list)
    linked: list[tuple[str, int]] = field(default_factory=list)  # (what, how many) that would move


@dataclass
class Row:
    field: str
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left != self.right


def _side(person: Person) -> Side:
    return Side(person, list(person.names.order_by("kind", "pk")),
                Address.objects.filter(person=person, to_date__isnull=True).first(),
                list(FamilyMember.objects.filter(person=person).order_by("family__name")
                     .values_list("family__name", flat=True)))


def _moving() -> list[personal_data.Record]:
    """The records of the register of personal data a merge moves, by their references to a person (a record that
    refers to a family only stays where it is)."""
    return [entry for entry in personal_data.records()
            if entry.model not in services.NOT_MOVED and entry.model not in ("people.person", "people.personname")
            and entry.person_fields()]


def _count_linked(*sides: Side) -> None:
    """For each side, how many rows of each record refer to its person: one query, whatever the size of the
    register (each record's counts for every side in one row, the rows joined by UNION ALL)."""
    entries = _moving()
    if not entries:
        return
    counts = []
    for entry in entries:
        refers = [reduce(operator.or_, (Q(**{name: side.person.pk}) for name in entry.person_fields()))
                  for side in sides]
        counts.append(entry.model_class._base_manager.filter(reduce(operator.or_, refers)).order_by()
                      .values(record=Value(entry.model, output_field=CharField()))
                      .annotate(**{f"n{i}": Count("pk", filter=about) for i, about in enumerate(refers)})
                      .values("record", *(f"n{i}" for i in range(len(sides)))))
    rows = counts[0].union(*counts[1:], all=True) if len(counts) > 1 else counts[0]
    found = {row["record"]: row for row in rows}
    for entry in entries:
        row = found.get(entry.model) or {}
        for i, side in enumerate(sides):
            if row.get(f"n{i}"):
                side.linked.append((entry.many, row[f"n{i}"]))


def compare(user, left_id: int, right_id: int) -> tuple[Side, Side, list[Row]]:
    """Both records, and each detail of theirs side by side. Only the data protection officer, only records of
    their council that are neither erased nor merged already."""
    people = {p.pk: p for p in governance.governance_people(user).filter(pk__in=[left_id, right_id])}
    if left_id == right_id:
        raise ValidationFailed({"merge": "Choose two different records"})
    if len(people) != 2:
        raise NotPermitted(object_type=services.LABEL, object_id=f"{left_id}-{right_id}")
    left, right = people[left_id], people[right_id]
    for person in (left, right):
        if person.erased_at is not None or person.merged_into_id is not None:
            raise ValidationFailed({"merge": f"Record {person.pk} has been erased or merged already"})
    rows = [Row(f, display.field_label(f), display.show_value(f, getattr(left, f)),
                display.show_value(f, getattr(right, f))) for f in PERSON_FIELDS]
    sides = (_side(left), _side(right))
    _count_linked(*sides)
    rows.append(Row(services.CURRENT_ADDRESS, "Current address", str(sides[0].current_address or ""),
                    str(sides[1].current_address or "")))
    for person in (left, right):
        trail.record(actor=user, action=AuditAction.VIEW, obj=person, person_id=person.pk,
                     detail={"compared_for_merge": [left.pk, right.pk]})
    return sides[0], sides[1], rows


def merge_detail(user, merge_id: int) -> Merge:
    merge_record = (Merge.objects.select_related("survivor", "merged", "merged_by", "unmerged_by")
                    .filter(pk=merge_id).first())
    if merge_record is None or not governance.can_do_governance(user, merge_record.council_id):
        raise NotPermitted(object_type=services.LABEL, object_id=merge_id)
    recipients = services.recipients_of(merge_record)
    merge_record.recipients, merge_record.told_now = recipients.all, recipients.told_now
    merge_record.kept_rows = [(personal_data.record_for(label).one, pk) for label, pk, _ in merge_record.kept]
    for person_id in (merge_record.survivor_id, merge_record.merged_id):
        trail.record(actor=user, action=AuditAction.VIEW, obj=merge_record, person_id=person_id)
    return merge_record


def person_banner(user, person: Person) -> list[Merge]:
    """What the person's page says of merges: the records merged into this one (a merged record itself belongs to no
    family, so its page is reached by no one). One query."""
    return list(Merge.objects.filter(survivor=person, unmerged_at__isnull=True).select_related("merged"))


def same_person_pairs(council_id: int) -> list[tuple[Held, Held]]:
    """Each of the council's merges that stands, as its two records were when merged: the record merged away, as if
    typed, and the one kept. People matching learns from them how one person's records differ
    (`people.tasks.same_person`). Their current names, dates of birth and NHS numbers, with what the merge changed
    put back; not their addresses or other names, which the merge moved between them."""
    merges = (Merge.objects.filter(council_id=council_id, unmerged_at__isnull=True)
              .select_related("survivor", "merged").order_by("pk"))
    return [(_as_before(m.merged, m.merged_before), _as_before(m.survivor, m.survivor_before)) for m in merges]


def _as_before(person: Person, before: dict) -> Held:
    def value(name: str):
        return services.from_json(name, before[name]) if name in before else getattr(person, name)

    name = (NameKind.CURRENT, Name.of(value("given_name"), given=True), Name.of(value("family_name"), given=False))
    return Held([name], value("date_of_birth"), value("nhs_number") or "", "")
