"""Reading two records side by side before a merge, a merge afterwards, and what a person's page says of merges.
The comparison and the merge pages are the data protection officer's (`governance`), and audited."""

from dataclasses import dataclass, field

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import personal_data
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.families import display
from hearth.families.services import PERSON_FIELDS
from hearth.merges import services
from hearth.merges.models import Merge
from hearth.people.models import Address, FamilyMember, Person, PersonName


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
    side = Side(person, list(person.names.order_by("kind", "pk")),
                Address.objects.filter(person=person, to_date__isnull=True).first(),
                list(FamilyMember.objects.filter(person=person).order_by("family__name")
                     .values_list("family__name", flat=True)))
    for entry in personal_data.records():
        if entry.model in services.NOT_MOVED or entry.model in ("people.person", "people.personname"):
            continue
        count = entry.rows_about(person).count()
        if count:
            side.linked.append((entry.many, count))
    return side


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
    merge_record.recipients = services.recipients_of(merge_record)
    merge_record.kept_rows = [(personal_data.record_for(label).one, pk) for label, pk, _ in merge_record.kept]
    for person_id in (merge_record.survivor_id, merge_record.merged_id):
        trail.record(actor=user, action=AuditAction.VIEW, obj=merge_record, person_id=person_id)
    return merge_record


def person_banner(user, person: Person) -> list[Merge]:
    """What the person's page says of merges: the records merged into this one (a merged record itself belongs to no
    family, so its page is reached by no one). One query."""
    return list(Merge.objects.filter(survivor=person, unmerged_at__isnull=True).select_related("merged"))
