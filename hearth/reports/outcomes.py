"""The outcomes report, for Early Help episodes closed in a period: the distance travelled in each of the council's
outcome areas (the first and the latest scores, the worker's and the family's side by side), why the episodes
closed, and how the plans' outcomes ended.

A mean score speaks for the families it is worked out from, so a mean of the threshold's worth of families or fewer
is hidden, as a small count is. Counted live: four statements whatever the council's size."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from hearth.cases.models import Episode
from hearth.outcomes.models import Score
from hearth.plans.models import OutcomeStatus, PlanOutcome
from hearth.reports.flow import filtered
from hearth.reports.periods import Period
from hearth.reports.suppression import Protected, one_way
from hearth.reports.tables import Table


@dataclass(frozen=True)
class AreaScores:
    area: str
    families: int | None  # episodes with a first and a later score in the area (hidden when small)
    worker_first: str
    worker_latest: str
    family_first: str
    family_latest: str

    @property
    def worker_change(self) -> str:
        return _change(self.worker_first, self.worker_latest)

    @property
    def family_change(self) -> str:
        return _change(self.family_first, self.family_latest)


@dataclass(frozen=True)
class Outcomes:
    period: Period
    closed: int | None
    areas: list[AreaScores]
    tables: list[Table]
    as_at: datetime.datetime


def _change(first: str, latest: str) -> str:
    if first in ("", "[c]") or latest in ("", "[c]"):
        return latest if latest in ("", "[c]") else first
    return f"{float(latest) - float(first):+.1f}"


def _mean(values: list[int], threshold: int) -> str:
    if not values:
        return ""
    if len(values) <= threshold:
        return "[c]"
    return f"{sum(values) / len(values):.1f}"


def _listed(key, title, row_heading, counted, counts: Counter, labels: dict, threshold: int) -> Table:
    keys = [k for k in labels if counts.get(k)]
    shown, total = one_way([counts[k] for k in keys], threshold=threshold)
    return Table(key=key, title=title, row_heading=row_heading, rows=[labels[k] for k in keys], columns=[],
                 table=Protected(cells=[[v] for v in shown], row_totals=[], column_totals=[total], total=total),
                 count_heading=counted)


def outcomes(council, filters: dict, period: Period, *, threshold: int) -> Outcomes:
    episodes = filtered(Episode.objects.filter(family__council=council,
                                               closed_on__range=(period.start, period.end)), filters)
    by_reason = Counter(dict(episodes.values_list("end_reason").annotate(n=Count("id")).order_by()))

    # Each closed episode's first and latest score in each area: the scores in the order they were taken.
    first: dict[tuple, tuple] = {}
    latest: dict[tuple, tuple] = {}
    readings = (Score.objects.filter(reading__episode__in=episodes)
                .order_by("reading__episode_id", "reading__taken_on", "reading_id")
                .values_list("reading__episode_id", "area", "score", "family_score"))
    for episode_id, area, score, family_score in readings.iterator():
        first.setdefault((episode_id, area), (score, family_score))
        latest[(episode_id, area)] = (score, family_score)
    per_area: dict[str, list[tuple]] = defaultdict(list)
    for key, start in first.items():
        end = latest[key]
        if end is not start:  # at least two scores: a distance to travel
            per_area[key[1]].append((start, end))
    areas = []
    for area in council.outcome_areas:
        pairs = per_area.get(area["code"], [])
        families = one_way([len(pairs)], threshold=threshold)[1]
        family_pairs = [(s[1], e[1]) for s, e in pairs if s[1] is not None and e[1] is not None]
        areas.append(AreaScores(
            area=area.get("name") or area.get("label") or area["code"], families=families,
            worker_first=_mean([s[0] for s, _ in pairs], threshold),
            worker_latest=_mean([e[0] for _, e in pairs], threshold),
            family_first=_mean([s for s, _ in family_pairs], threshold),
            family_latest=_mean([e for _, e in family_pairs], threshold)))

    ended = Counter(dict(PlanOutcome.objects.filter(episode__in=episodes).values_list("status")
                         .annotate(n=Count("id")).order_by()))
    closure_labels = {r["code"]: r.get("label", r["code"]) for r in council.closure_reasons}
    tables = [
        _listed("closure_reasons", "Early Help episodes closed, by why", "Why it closed", "Episodes", by_reason,
                closure_labels, threshold),
        _listed("outcomes_ended", "The plans' outcomes, by how they ended", "How it ended", "Outcomes", ended,
                dict(OutcomeStatus.choices), threshold),
    ]
    return Outcomes(period=period, closed=one_way([sum(by_reason.values())], threshold=threshold)[1], areas=areas,
                    tables=tables, as_at=timezone.localtime())


AREA_HEADINGS = ["Outcome area", "Families scored twice or more", "Worker: first", "Worker: latest",
                 "Worker: change", "Family: first", "Family: latest", "Family: change"]


def area_lines(report: Outcomes) -> list[list[str]]:
    """The distance travelled as the lines of a CSV file, hidden values as [c]."""
    lines = [["Distance travelled in each outcome area (mean scores out of 10)"], AREA_HEADINGS]
    for a in report.areas:
        lines.append([a.area, "[c]" if a.families is None else str(a.families), a.worker_first, a.worker_latest,
                      a.worker_change, a.family_first, a.family_latest, a.family_change])
    return lines
