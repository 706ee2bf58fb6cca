"""The quarterly progress return: the families the council worked with on the programme in a quarter of the financial
year, those who joined it then, and the successful outcomes claimed, with each headline need's share, as the council
submits it to government.

A family is worked with in a quarter when, by the quarter's end, it had three or more current headline needs, and its
Early Help was open on some day of the quarter; it joined in the quarter when it had fewer than three at the
quarter's start. Its outcomes are claimed in the quarter the council's team accepted the claim. Counted in two
statements, whatever the council's size."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hearth.cases.models import Episode
from hearth.core.programme import ELIGIBLE_WITH, HEADLINE_NEEDS
from hearth.people.models import Family
from hearth.reports.periods import Quarter
from hearth.reports.suppression import apart, protect
from hearth.reports.tables import Table
from hearth.supporting_families.models import Claim, ClaimDecision


@dataclass(frozen=True)
class Return:
    quarter: Quarter
    tables: list[Table]
    as_at: datetime
    exact: bool  # the figures as submitted, for the programme's team; otherwise protected by small-number suppression


def _held_on(day) -> Q:
    """A need current on `day`: identified by then and not taken off the record by then."""
    return (Q(programme_needs__identified_on__lte=day)
            & (Q(programme_needs__removed_on__isnull=True) | Q(programme_needs__removed_on__gt=day)))


def quarterly_return(council, quarter: Quarter, *, threshold: int, exact: bool) -> Return:
    period = quarter.period
    open_in_quarter = Episode.objects.filter(family=OuterRef("pk"), started_on__lte=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    at_end, before = _held_on(period.end), _held_on(period.start - timedelta(days=1))
    rows = list(
        # Joined to the needs identified by the quarter's end only (an inner join, before the counts): the families
        # with none are never read.
        Family.objects.filter(council=council, programme_needs__identified_on__lte=period.end)
        .annotate(needs_then=Count("programme_needs", filter=at_end),
                  needs_before=Count("programme_needs", filter=before),
                  **{f"has_{code}": Count("programme_needs", filter=at_end & Q(programme_needs__need=code))
                     for code in HEADLINE_NEEDS})
        .filter(needs_then__gte=ELIGIBLE_WITH).filter(Exists(open_in_quarter))
        .values("needs_before", *(f"has_{code}" for code in HEADLINE_NEEDS)))
    claims = list(Claim.objects.filter(family__council=council, decision=ClaimDecision.ACCEPTED,
                                       checked_on__gte=period.start, checked_on__lte=period.end)
                  .values_list("needs", flat=True))
    worked = len(rows)
    joined = sum(1 for r in rows if r["needs_before"] < ELIGIBLE_WITH)
    by_need = Counter(code for r in rows for code in HEADLINE_NEEDS if r[f"has_{code}"])
    claimed_by_need = Counter(code for needs in claims for code in set(needs))
    hide = 0 if exact else threshold
    families = Table(
        key="return", title=f"Families worked with on the programme, {quarter}", row_heading="Families",
        rows=["Joined the programme in the quarter", "Joined before the quarter"], columns=[],
        table=protect([[joined], [worked - joined]], threshold=hide), count_heading="Families")
    claimed = Table(
        key="claimed", title=f"Successful outcomes claimed, {quarter}", row_heading="Claims",
        rows=["Families with successful outcomes claimed in the quarter"], columns=[],
        table=apart([[len(claims)]], threshold=hide), count_heading="Families", totals=False)
    shown = [families.table.total, claimed.table.cells[0][0]]
    needs = Table(
        key="needs", title="Each headline need: the families worked with who have it, and the successful outcomes "
                           "claimed against it",
        row_heading="Headline need", rows=list(HEADLINE_NEEDS.values()),
        columns=["Families worked with", "Successful outcomes claimed"],
        table=apart([[by_need[code], claimed_by_need[code]] for code in HEADLINE_NEEDS], threshold=hide,
                    within=shown),
        totals=False)
    return Return(quarter=quarter, tables=[families, claimed, needs], as_at=timezone.localtime(), exact=exact)
