"""Retention rules: reading each council's `retention_rules`, and working out when a family is due for disposal.

The unit of disposal is the family: its record, its members who belong to no other family, and everything
recorded about it. Each rule in the council's profile says how long one type of record is kept
(`record_type`), for how many `years`, counted `from` one of:

- `episode_closed`: the close of the matter ("six years from the close of the matter"): the close of the
  family's latest episode, or the screening of a request for support made after it, whichever is later. A
  family that never had an episode (a request for support answered with advice, say) counts from the latest
  of the record's creation and the screening of its requests for support.
- `date_of_birth`: the youngest member's date of birth ("until the child is 25"). For `send_records`
  (records about special educational needs and disabilities) the rule applies only to families that hold
  such records: a member recorded as disabled, or an episode whose reason was the child's disability or
  illness (N2). A family whose members have no recorded date of birth cannot be worked out, so it is kept.
- `created`: when the record was written; for a family's records, the latest of the family record's last
  change and the close of its latest episode.

A family is due when every rule that applies to it is due: on the latest of the rules' dates (the rule that
sets that date "governs" it). A family with an open episode or a request for support waiting for screening
is never due, and nor is a family under an active legal hold (it is counted as held back).

Two record types have their own treatment:

- The audit log (`audit_log`) is never deleted by disposal. It is append-only and hash-chained (a database
  trigger refuses deletes), it holds only ids and actions, never names or case text, and it is the
  evidence that the disposal happened. Its rule is shown to the data protection officer but plays no part
  in when a family is due.
- Subject access requests and requests to correct, erase or restrict (`data_protection_requests`) are not a
  family's records: each is disposed of on its own, counted `from` `answered` (released or closed; refused; or
  applied, and for a restriction, lifted). A person kept only because such a request refers to them goes with
  the last of those requests, once they belong to no family. While a request about a member is still open, the
  member's families are held back like a legal hold: information a person has asked about must not be
  destroyed before they are answered.
- The information-sharing register (`sharing_register`) is deleted with the family's other records. Its
  rule counts like any other: if a council keeps register entries longer than the case records, the whole
  family is kept until the register's rule is due too, so the register never outlives nor predeceases the
  record it describes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core import checks
from django.db.models import DateTimeField, Max
from django.db.models.functions import Coalesce, TruncDate

from hearth.cases.models import Episode, EpisodeStatus
from hearth.core import personal_data
from hearth.core.dates import add_years
from hearth.people import holds
from hearth.people.models import Disability, Family, FamilyMember
from hearth.referrals.models import Referral, ReferralStatus

AUDIT_LOG = "audit_log"
DATA_PROTECTION = "data_protection_requests"
SEND_RECORDS = "send_records"
SHARING_REGISTER = "sharing_register"
# Records with no rule of their own: the family, its people, episodes and their history. They go with the
# family, once every rule for its records is due.
FAMILY_RECORD = "family_record"

RECORD_TYPE_LABELS = {
    "early_help_assessment": "Early Help assessments, with their sections, children's views and contributions",
    "plan_and_reviews": "Plans, Team Around the Family meetings, actions, reviews and outcome scores",
    "case_notes": "Case notes",
    "request_for_support": "Requests for support, step-up referrals, step-downs and contacts with MASH",
    "consent_records": "Agreements to Early Help, consents to share, lawful bases and decisions not to seek consent",
    SHARING_REGISTER: "The information-sharing register",
    AUDIT_LOG: "The audit log",
    DATA_PROTECTION: "Subject access requests and requests to correct, erase or restrict, with what was released or "
                     "changed",
    SEND_RECORDS: "Records about special educational needs and disabilities",
    "supporting_families": "Supporting Families headline needs, judgements of progress and claims",
    FAMILY_RECORD: "The family record: members, names, addresses, relationships, episodes and their history, "
                   "and who worked with the family",
}

BASE_PHRASES = {
    "episode_closed": "from the close of the family's latest episode",
    "created": "from when it was written",
    "answered": "from when the request was answered",
}


def record_type_label(record_type: str) -> str:
    return RECORD_TYPE_LABELS.get(record_type) or record_type.replace("_", " ").capitalize()


def record_type_of(model_label: str) -> str:
    """The record type of a model ("assessments.section" -> "early_help_assessment"), from the register of personal
    data (`hearth.core.personal_data`); a model it does not hold (a many-to-many link) is part of the family record."""
    record = personal_data.record_for(model_label)
    return record.retention if record else FAMILY_RECORD


def has_own_records(record_type: str) -> bool:
    """Whether the record type's rows are in tables of their own, deleted by disposal. Others (records about special
    needs) are kept within these, and their rule only decides when the family is due."""
    return record_type not in (FAMILY_RECORD, AUDIT_LOG) and any(
        r.retention == record_type for r in personal_data.records())


def register_is_known() -> list[str]:
    """What the register of personal data names that has no retention record type here (none, when all is well)."""
    return [f"{r.model} is declared with the retention record type {r.retention!r}, which is not one of "
            f"{', '.join(sorted(RECORD_TYPE_LABELS))}" for r in personal_data.records()
            if r.retention not in RECORD_TYPE_LABELS]


@checks.register()
def retention_knows_the_register(app_configs=None, **kwargs):
    return [checks.Error(problem, id="hearth.E002") for problem in register_is_known()]


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    base: str  # episode_closed | date_of_birth | created
    description: str = ""

    @property
    def label(self) -> str:
        return record_type_label(self.record_type)

    @property
    def applied_by_disposal(self) -> bool:
        return self.record_type != AUDIT_LOG

    @property
    def period(self) -> str:
        """The rule in plain English: "6 years from the close of the family's latest episode"."""
        if self.base == "date_of_birth":
            return f"until the youngest child is {self.years}"
        unit = "year" if self.years == 1 else "years"
        return f"{self.years} {unit} {BASE_PHRASES.get(self.base, 'from ' + self.base.replace('_', ' '))}"

    @property
    def plain_english(self) -> str:
        return f"{self.label}: kept {self.period}."

    @property
    def disposal_note(self) -> str:
        if self.record_type == AUDIT_LOG:
            return ("Not deleted by disposal. The audit log is append-only and holds only ids and actions, never "
                    "names or case records; it is the evidence of who saw and changed what, disposal included.")
        if self.record_type == SHARING_REGISTER:
            return ("Deleted with the family's other records. If this rule is longer than theirs, the whole family "
                    "is kept until it is due.")
        if self.record_type == DATA_PROTECTION:
            return ("Deleted on their own, not with a family. A person kept only because a request refers to them "
                    "goes with the last such request, once they belong to no family.")
        if self.record_type == SEND_RECORDS:
            return ("Applies to families with a member recorded as disabled or an episode for a child's disability "
                    "or illness; such a family is kept until this rule is due.")
        return "Deleted with the family's other records once every rule for the family is due."

    def as_dict(self) -> dict:
        return {"record_type": self.record_type, "years": self.years, "from": self.base,
                "description": self.description}


def rules_from(data: Iterable[dict]) -> list[Rule]:
    """Rules from a council's profile (`council.retention_rules`) or a run's snapshot of them."""
    return [Rule(record_type=str(item["record_type"]), years=int(item["years"]), base=str(item["from"]),
                 description=str(item.get("description") or "")) for item in data]


def council_rules(council) -> list[Rule]:
    return rules_from(council.retention_rules or [])


def rule_for(rules: Iterable[Rule], record_type: str) -> Rule | None:
    return next((r for r in rules if r.record_type == record_type), None)


# ---------------------------------------------------------------------------------------------------------------
# What is known about each family, read in bulk for a chunk of families.


@dataclass
class FamilyFacts:
    family_id: int
    council_id: int
    created_on: date
    updated_on: date
    open_episode: bool = False
    open_referral: bool = False
    had_episode: bool = False
    last_closed_on: date | None = None
    last_referral_on: date | None = None
    youngest_birth: date | None = None
    holds_send_records: bool = False

    @property
    def is_open(self) -> bool:
        return self.open_episode or self.open_referral

    @property
    def closed_base(self) -> date:
        """The close of the matter: the latest episode's close, or a later request for support's screening (a
        request answered with advice after the episode closed keeps the family's records longer)."""
        first = (self.last_closed_on or self.updated_on) if self.had_episode else self.created_on
        return max(d for d in (first, self.last_referral_on) if d)

    @property
    def written_base(self) -> date:
        return max(d for d in (self.updated_on, self.last_closed_on) if d)


def _date(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") else value


def facts_for(family_ids: list[int], *, need_birth: bool = True) -> dict[int, FamilyFacts]:
    """What the rules need about each family, in a fixed number of queries for the whole chunk."""
    if not family_ids:
        return {}
    facts = {
        pk: FamilyFacts(family_id=pk, council_id=council_id, created_on=_date(created), updated_on=_date(updated))
        for pk, council_id, created, updated in Family.objects.filter(pk__in=family_ids)
        .values_list("pk", "council_id", "created_at", "updated_at")
    }
    ids = list(facts)
    episodes = Episode.objects.filter(family_id__in=ids)
    for family_id, status, reason in episodes.values_list("family_id", "status", "reason"):
        fact = facts[family_id]
        fact.had_episode = True
        if status != EpisodeStatus.CLOSED:
            fact.open_episode = True
        if reason == "N2":
            fact.holds_send_records = True
    closed = (episodes.filter(status=EpisodeStatus.CLOSED).values("family_id")
              .annotate(last=Max(Coalesce("closed_on", TruncDate("updated_at")))).values_list("family_id", "last"))
    for family_id, last in closed:
        facts[family_id].last_closed_on = _date(last)
    referrals = Referral.objects.filter(family_id__in=ids)
    for family_id in referrals.filter(status=ReferralStatus.AWAITING_SCREENING).values_list("family_id", flat=True):
        facts[family_id].open_referral = True
    latest = (referrals.values("family_id")
              .annotate(last=Max(Coalesce("screened_at", "received_at", output_field=DateTimeField())))
              .values_list("family_id", "last"))
    for family_id, last in latest:
        facts[family_id].last_referral_on = _date(last)
    if need_birth:
        members = FamilyMember.objects.filter(family_id__in=ids)
        youngest = (members.filter(person__date_of_birth__isnull=False).values("family_id")
                    .annotate(youngest=Max("person__date_of_birth")).values_list("family_id", "youngest"))
        for family_id, born in youngest:
            facts[family_id].youngest_birth = born
        for family_id in members.filter(person__disability=Disability.YES).values_list("family_id", flat=True):
            facts[family_id].holds_send_records = True
    return facts


def rule_applies(rule: Rule, fact: FamilyFacts) -> bool:
    if not rule.applied_by_disposal or rule.record_type == DATA_PROTECTION:
        return False
    if rule.record_type == SEND_RECORDS:
        return fact.holds_send_records
    return True


def rule_due_on(rule: Rule, fact: FamilyFacts) -> date | None:
    """The day this rule's records of the family become due, or None when it cannot be worked out."""
    if rule.base == "episode_closed":
        return add_years(fact.closed_base, rule.years)
    if rule.base == "date_of_birth":
        return add_years(fact.youngest_birth, rule.years) if fact.youngest_birth else None
    if rule.base == "created":
        return add_years(fact.written_base, rule.years)
    return None


# ---------------------------------------------------------------------------------------------------------------
# Classifying families.

OPEN = "open"
NOT_YET_DUE = "not_yet_due"
UNDETERMINED = "undetermined"
HELD = "held"
DUE = "due"
STATES = (DUE, HELD, NOT_YET_DUE, OPEN, UNDETERMINED)
STATE_LABELS = {
    DUE: "Due for disposal",
    HELD: "Due, but held back by a legal hold or an open data protection request",
    NOT_YET_DUE: "Not yet due",
    OPEN: "Open: an open episode or a request for support waiting for screening",
    UNDETERMINED: "Cannot be worked out (no date of birth recorded for a rule that needs one)",
}


@dataclass
class Verdict:
    family_id: int
    state: str
    due_on: date | None = None
    governing: str | None = None  # the record type whose rule set the date


def judge(rules: list[Rule], fact: FamilyFacts, *, as_of: date, held: bool) -> Verdict:
    if fact.is_open:
        return Verdict(fact.family_id, OPEN)
    due_on, governing = None, None
    for rule in rules:
        if not rule_applies(rule, fact):
            continue
        day = rule_due_on(rule, fact)
        if day is None:
            return Verdict(fact.family_id, UNDETERMINED, governing=rule.record_type)
        if due_on is None or day > due_on:
            due_on, governing = day, rule.record_type
    if due_on is None:  # no rule applies: the council keeps these records
        return Verdict(fact.family_id, UNDETERMINED)
    if due_on > as_of:
        return Verdict(fact.family_id, NOT_YET_DUE, due_on, governing)
    return Verdict(fact.family_id, HELD if held else DUE, due_on, governing)


def judge_families(council, rules: list[Rule], family_ids: list[int], *, as_of: date) -> dict[int, Verdict]:
    """A verdict for each of these families (of this council), in a fixed number of queries."""
    need_birth = any(r.base == "date_of_birth" and r.applied_by_disposal for r in rules)
    facts = facts_for(family_ids, need_birth=need_birth)
    facts = {pk: f for pk, f in facts.items() if f.council_id == council.pk}
    held = holds.held_families(holds.Use.DISPOSE, council.pk, list(facts))
    return {pk: judge(rules, fact, as_of=as_of, held=pk in held) for pk, fact in facts.items()}


def family_id_chunks(council, size: int, *, after: int = 0) -> Iterator[list[int]]:
    """The council's family ids in ascending chunks, read a chunk at a time (never all of them at once)."""
    last = after
    while True:
        chunk = list(Family.objects.filter(council=council, pk__gt=last).order_by("pk")
                     .values_list("pk", flat=True)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


@dataclass
class Tally:
    """Counts of families by state and by governing rule."""

    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    governs: dict[str, int] = field(default_factory=dict)

    def add(self, verdicts: Iterable[Verdict]) -> None:
        for v in verdicts:
            self.states[v.state] = self.states.get(v.state, 0) + 1
            if v.state == DUE and v.governing:
                self.governs[v.governing] = self.governs.get(v.governing, 0) + 1
