"""What a disposal deletes, or in a dry run counts: the records of a batch of due families with the members who go
with them, and the data protection requests answered long enough ago (`hearth.retention.services` walks the council's
families and calls these; `hearth.retention.collector` finds the rows)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from hearth.core.models import Council
from hearth.people.models import Family, FamilyMember, Person
from hearth.retention import collector, rules
from hearth.rights.models import Restriction, RightsRequest
from hearth.subject_access.models import SarStatus, SubjectAccessRequest


@dataclass
class Totals:
    """What a dry run forecasts, or what a run deleted. Counts only."""

    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.STATES, 0))
    governs: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    people_disposed: int = 0
    people_kept: int = 0
    last_family_id: int = 0
    batches: int = 0

    @classmethod
    def from_json(cls, data: dict | None) -> "Totals":
        data = data or {}
        totals = cls()
        totals.states.update((data.get("families") or {}).get("by_state") or {})
        totals.governs.update(data.get("governs") or {})
        totals.records.update(data.get("records") or {})
        people = data.get("people") or {}
        totals.people_disposed, totals.people_kept = people.get("disposed", 0), people.get("kept", 0)
        totals.last_family_id, totals.batches = data.get("last_family_id", 0), data.get("batches", 0)
        return totals

    def add(self, verdicts: Iterable[rules.Verdict], part: "Part") -> None:
        tally = rules.Tally(states=self.states, governs=self.governs)
        tally.add(verdicts)
        for key, n in part.records.items():
            self.records[key] = self.records.get(key, 0) + n
        self.people_disposed += part.people
        self.people_kept += part.people_kept

    def by_record_type(self) -> dict[str, int]:
        grouped: dict[str, int] = {}
        for model_label, n in self.records.items():
            kind = rules.record_type_of(model_label)
            grouped[kind] = grouped.get(kind, 0) + n
        return grouped

    def as_json(self) -> dict:
        return {
            "families": {"by_state": dict(self.states), "total": sum(self.states.values()),
                         "disposed": self.states.get(rules.DUE, 0), "held": self.states.get(rules.HELD, 0)},
            "governs": dict(self.governs),
            "people": {"disposed": self.people_disposed, "kept": self.people_kept},
            "records": dict(sorted(self.records.items())),
            "by_record_type": self.by_record_type(),
            "last_family_id": self.last_family_id,
            "batches": self.batches,
        }


@dataclass
class Part:
    records: dict[str, int]
    people: int
    people_kept: int


def dispose_families(council: Council, rule_list: list[rules.Rule], as_of: date, due: list[int], *,
                     apply: bool) -> Part:
    """Find everything of these due families and the members who go with them; delete it, or only count it."""
    if not due:
        return Part({}, 0, 0)
    rows = collector.collect({Family: set(due)})
    other_families = collector.families_of(_member_ids(due), excluding=due)
    earlier = sorted(f for f in other_families if f < due[0])
    # Families disposed of before this batch in the same walk: in a run they are already gone; in a dry run
    # they are still there, and their members must not be counted as kept because of them.
    gone = {pk for pk, v in rules.judge_families(council, rule_list, earlier, as_of=as_of).items()
            if v.state == rules.DUE} if earlier else set()
    # In a dry run, the rows of those earlier families are still there: they do not keep anyone, and were
    # counted with their own batch. (In a run, `gone` is empty.)
    previous = collector.collect({Family: gone}) if gone else {}
    people, kept = collector.disposable_people(due, gone_elsewhere=gone, covered=[rows, previous])
    if people:
        collector.collect({Person: people}, found=rows)
        for model, ids in previous.items():
            if model in rows:
                rows[model] -= ids
    records = collector.delete(rows) if apply else collector.count(rows)
    return Part(records, len(people), kept)


def dispose_requests(council: Council, rule_list: list[rules.Rule], as_of: date, *, apply: bool) -> Part:
    """The council's data protection requests answered long enough ago under its `data_protection_requests` rule,
    with what hangs off them, and the people kept only for them who belong to no family; delete, or count."""
    rule = rules.rule_for(rule_list, rules.DATA_PROTECTION)
    if rule is None:
        return Part({}, 0, 0)
    answered_by = rules.add_years(as_of, -rule.years) + timedelta(days=1)  # answered before this day: due
    start = timezone.make_aware(datetime.combine(answered_by, time.min))
    sars = set(SubjectAccessRequest.objects.filter(council=council).exclude(status=SarStatus.OPEN)
               .filter(Q(released_at__lt=start) | Q(released_at__isnull=True, closed_at__lt=start))
               .values_list("pk", flat=True))
    in_force = Restriction.objects.filter(lifted_at__isnull=True).values("request_id")
    lifted_late = Restriction.objects.filter(lifted_at__gte=start).values("request_id")
    requests = set(RightsRequest.objects.filter(council=council)
                   .filter(Q(decision="refused", decided_at__lt=start) | Q(applied_at__lt=start))
                   .exclude(pk__in=in_force).exclude(pk__in=lifted_late).values_list("pk", flat=True))
    if not sars and not requests:
        return Part({}, 0, 0)
    rows = collector.collect({SubjectAccessRequest: sars, RightsRequest: requests})
    about = (set(SubjectAccessRequest.objects.filter(pk__in=sars).values_list("subject_id", flat=True))
             | set(RightsRequest.objects.filter(pk__in=requests).values_list("person_id", flat=True)))
    people = collector.unattached(about)
    people -= collector.still_referred(people, [rows])
    if people:
        collector.collect({Person: people}, found=rows)
    records = collector.delete(rows) if apply else collector.count(rows)
    return Part(records, len(people), 0)


def _member_ids(family_ids: list[int]) -> set[int]:
    return set(FamilyMember.objects.filter(family_id__in=family_ids).values_list("person_id", flat=True))
