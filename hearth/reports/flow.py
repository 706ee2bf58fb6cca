"""The flow report: what came in and went out in a period. Requests for support by who asked, the front door's
decisions, Early Help episodes opened (by how they began) and closed (by why), step-ups to MASH, and requests for
families whose Early Help had closed in the 12 months before (re-referrals).

Each count is of the council's records in the period, filtered by the family's locality and, where the record has
one, its level of need; each table is protected by small-number suppression before it is returned. Counted live:
seven statements whatever the council's size."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from hearth.accounts.models import AgencyKind
from hearth.cases.models import Episode, EpisodeOrigin
from hearth.referrals.models import Decision, Referral, ReferralKind, RequesterKind
from hearth.reports.ages import with_child_aged
from hearth.reports.periods import Period, window
from hearth.reports.suppression import Protected, one_way, protect
from hearth.reports.tables import Table

RE_REFERRAL_DAYS = 365


@dataclass(frozen=True)
class Flow:
    period: Period
    tables: list[Table]
    figures: dict[str, int | None]  # step_ups, re_referrals, linked_requests (requests linked to a family)
    as_at: datetime.datetime


def filtered(queryset, filters: dict, *, family: str = "family", level: str | None = "level"):
    """The records of the family's locality, of families with a child of the age band asked for, and, where the record
    has one (`level`), of the level asked for."""
    if filters.get("locality"):
        queryset = queryset.filter(**{f"{family}__locality": filters["locality"]})
    if filters.get("level") and level:
        queryset = queryset.filter(**{level: filters["level"]})
    if filters.get("age_band"):
        queryset = queryset.filter(with_child_aged(filters["age_band"], timezone.localdate(), family))
    return queryset


def _listed(key, title, row_heading, counts: Counter, labels: dict, threshold: int, *, counted: str) -> Table:
    """A list of counts with its total, in the order of `labels` (then anything else), leaving out rows of 0."""
    keys = [k for k in labels if counts.get(k)] + sorted((k for k in counts if k not in labels and counts[k]), key=str)
    shown, total = one_way([counts[k] for k in keys], threshold=threshold)
    table = Protected(cells=[[v] for v in shown], row_totals=[], column_totals=[total], total=total)
    return Table(key=key, title=title, row_heading=row_heading, rows=[labels.get(k, str(k)) for k in keys],
                 columns=[], table=table, count_heading=counted)


def flow(council, filters: dict, period: Period, *, threshold: int) -> Flow:
    start, end = window(period)
    referrals = filtered(Referral.objects.filter(council=council), filters, level=None)
    requests = referrals.filter(kind=ReferralKind.REQUEST, received_at__gte=start, received_at__lt=end)

    by_source = Counter()
    for row in requests.values("requester_kind", "requester_user__agency__kind").annotate(n=Count("id")).order_by():
        source = row["requester_user__agency__kind"] if row["requester_kind"] == RequesterKind.PRACTITIONER \
            else row["requester_kind"]
        by_source[source or "unknown"] += row["n"]
    source_labels = {RequesterKind.PARENT: "A parent or carer", RequesterKind.YOUNG_PERSON: "A young person",
                     **dict(AgencyKind.choices), "unknown": "A practitioner (agency not known)"}

    decided = Counter()
    screened = filtered(referrals.filter(screened_at__gte=start, screened_at__lt=end), filters, level="level")
    for row in screened.values("decision", "kind").annotate(n=Count("id")).order_by():
        decided[(row["decision"], row["kind"])] += row["n"]
    decisions = [d for d in Decision.values if any(decided.get((d, k)) for k in ReferralKind.values)]
    decision_table = Table(
        key="decisions", title="Decisions made at the front door", row_heading="Decision",
        rows=[Decision(d).label for d in decisions], columns=["Requests for support", "Step-ups to MASH"],
        columns_are="kind of referral",
        table=protect([[decided.get((d, k), 0) for k in ReferralKind.values] for d in decisions],
                      threshold=threshold))

    episodes = filtered(Episode.objects.filter(family__council=council), filters)
    opened = Counter(dict(episodes.filter(started_on__range=(period.start, period.end))
                          .values_list("origin").annotate(n=Count("id")).order_by()))
    closed = Counter(dict(episodes.filter(closed_on__range=(period.start, period.end))
                          .values_list("end_reason").annotate(n=Count("id")).order_by()))
    step_ups = referrals.filter(kind=ReferralKind.STEP_UP, received_at__gte=start, received_at__lt=end).count()
    re_referrals, linked = _re_referrals(requests, council)

    closure_labels = {r["code"]: r.get("label", r["code"]) for r in council.closure_reasons}
    tables = [
        _listed("requests", "Requests for support, by who asked", "Who asked", by_source, source_labels, threshold,
                counted="Requests"),
        decision_table,
        _listed("opened", "Early Help episodes opened, by how they began", "How it began", opened,
                dict(EpisodeOrigin.choices), threshold, counted="Episodes"),
        _listed("closed", "Early Help episodes closed, by why", "Why it closed", closed, closure_labels, threshold,
                counted="Episodes"),
    ]
    figures = {"step_ups": step_ups, "re_referrals": re_referrals, "linked_requests": linked}
    return Flow(period=period, tables=tables, as_at=timezone.localtime(),
                figures={k: one_way([v], threshold=threshold)[1] for k, v in figures.items()})


def _re_referrals(requests, council) -> tuple[int, int]:
    """(requests whose family's Early Help closed in the 12 months before the request arrived, requests linked to a
    family): two statements, joined here (a year's requests at a large county are some tens of thousands of rows).
    Each request's day, in the council's time zone, is the database's."""
    linked = list(requests.filter(family__isnull=False).annotate(received_on=TruncDate("received_at"))
                  .values_list("family_id", "received_on"))
    closures: dict[int, list[datetime.date]] = {}
    earliest = min((day for _, day in linked), default=None)
    if earliest is not None:
        for family_id, closed_on in (Episode.objects.filter(
                family__council=council, family_id__in=requests.filter(family__isnull=False).values("family_id"),
                closed_on__gte=earliest - datetime.timedelta(days=RE_REFERRAL_DAYS))
                .values_list("family_id", "closed_on")):
            closures.setdefault(family_id, []).append(closed_on)
    count = 0
    for family_id, day in linked:
        if any(day - datetime.timedelta(days=RE_REFERRAL_DAYS) <= c < day for c in closures.get(family_id, ())):
            count += 1
    return count, len(linked)
