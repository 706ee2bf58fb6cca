"""Reads of outcome scores, scoped by the access policy: every reading of an episode with its scores, in a fixed
number of queries, and what they show (first and latest score per area, distance travelled, charts)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import FilteredRelation

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import Episode
from hearth.core.errors import NotPermitted
from hearth.outcomes import charts
from hearth.outcomes.models import Reading


@dataclass
class ReadingRow:
    """One reading as a row of the readings table."""

    reading: Reading
    taken_on: date
    context: str
    scores: dict[str, int]
    family_scores: dict[str, int]
    label: str = ""  # its date as the charts name it: '5 Dec 2026', or '5 Dec 2026 (2)' for a second set that day


@dataclass
class AreaOutcome:
    code: str
    name: str
    description: str
    first: int | None
    latest: int | None
    change: int | None  # latest minus first; None without two readings that scored the area
    series: list[tuple[date, int]]
    sentence: str
    family_differences: list[tuple[date, int, int]] = field(default_factory=list)  # (date, agreed, family's)
    line_svg: str = ""

    @property
    def change_text(self) -> str:
        """The change in a table cell: 'Up 3', 'Down 1', 'No change', or 'Not yet' with fewer than two readings."""
        if self.change is None:
            return "Not yet"
        if self.change == 0:
            return "No change"
        return f"{'Up' if self.change > 0 else 'Down'} {abs(self.change)}"


def _points(n: int) -> str:
    return "1 point" if abs(n) == 1 else f"{abs(n)} points"


def distance_sentence(name: str, first: int | None, latest: int | None, readings: int) -> str:
    """'Family routine: up 3 points, from 3 to 6' and the like."""
    if first is None or latest is None:
        return f"{name}: not scored yet"
    if readings < 2:
        return f"{name}: {latest} (only one set of scores so far)"
    change = latest - first
    if change > 0:
        return f"{name}: up {_points(change)}, from {first} to {latest}"
    if change < 0:
        return f"{name}: down {_points(change)}, from {first} to {latest}"
    return f"{name}: no change, {latest} at the first and latest scores"


def overall_sentence(total: int, mean: float | None, areas: int) -> str:
    if mean is None:
        return "Overall: not enough scores yet to show distance travelled"
    if total == 0:
        return f"Overall: no change across {areas} areas"
    direction = "up" if total > 0 else "down"
    return (f"Overall: {direction} {_points(total)} across {areas} areas, "
            f"an average of {abs(mean):.1f} points per area")


def _readings(episode) -> list[Reading]:
    """Every reading of the episode, oldest first (readings of the same day in the order they were recorded), with its
    scores in `score_list`: one query, whatever the number of readings. Each reading's row comes once for each of its
    scores (a left join), and once with none when it has none."""
    rows = (
        Reading.objects.filter(episode=episode)
        .annotate(joined_score=FilteredRelation("scores"))
        .select_related("recorded_by", "joined_score")
        .order_by("taken_on", "recorded_at", "pk", "joined_score__pk")
    )
    readings: dict[int, Reading] = {}
    for row in rows:
        reading = readings.get(row.pk)
        if reading is None:
            reading = readings[row.pk] = row
            reading.score_list = []
        score = getattr(row, "joined_score", None)  # set only when the row has a score
        if score is not None:
            reading.score_list.append(score)
    return list(readings.values())


def _rows(readings: list[Reading]) -> list[ReadingRow]:
    rows = []
    labels = charts.day_labels([r.taken_on for r in readings])
    for r, label in zip(readings, labels, strict=True):
        scores = {s.area: s.score for s in r.score_list}
        family = {s.area: s.family_score for s in r.score_list if s.family_score is not None}
        rows.append(ReadingRow(reading=r, taken_on=r.taken_on, context=r.get_context_display(), scores=scores,
                               family_scores=family, label=label))
    return rows


def _date_text(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _summarise(areas: list[dict], rows: list[ReadingRow], *, with_lines: bool) -> dict:
    first_row = rows[0] if rows else None
    latest_row = rows[-1] if rows else None
    outcomes = []
    changes = []
    for area in areas:
        code, name = area["code"], area["name"]
        series = [(row.taken_on, row.scores[code]) for row in rows if code in row.scores]
        first = series[0][1] if series else None
        latest = series[-1][1] if series else None
        change = latest - first if len(series) >= 2 else None
        if change is not None:
            changes.append(change)
        diffs = [(row.taken_on, row.scores[code], row.family_scores[code]) for row in rows
                 if code in row.family_scores and code in row.scores]
        outcomes.append(AreaOutcome(
            code=code, name=name, description=area.get("description", ""), first=first, latest=latest,
            change=change, series=series, sentence=distance_sentence(name, first, latest, len(series)),
            family_differences=diffs,
            line_svg=charts.line_chart(name, series) if with_lines and series else "",
        ))
    total = sum(changes) if changes else 0
    mean = round(total / len(changes), 1) if changes else None
    if first_row is None:
        star = charts.star_chart(areas, None, None)
    elif first_row is latest_row:
        star = charts.star_chart(areas, first_row.scores, None,
                                 first_label=f"Scores on {_date_text(first_row.taken_on)}",
                                 title="Outcome star: the first scores")
    else:
        star = charts.star_chart(areas, first_row.scores, latest_row.scores,
                                 first_label=f"First scores, {_date_text(first_row.taken_on)}",
                                 latest_label=f"Latest scores, {_date_text(latest_row.taken_on)}")
    return {
        "areas": outcomes,
        "first": first_row,
        "latest": latest_row,
        "count": len(rows),
        "overall": {"sum": total, "mean": mean, "areas": len(changes),
                    "sentence": overall_sentence(total, mean, len(changes))},
        "star_svg": star,
    }


def _require_view(user, episode) -> None:
    if not policy.can_view_family(user, episode.family):
        raise NotPermitted(object_type="cases.episode", object_id=episode.pk)


def episode_for_outcomes(user, episode_id: int) -> Episode:
    """An episode whose family the user may see, with what the outcome pages need (one query)."""
    episode = (
        Episode.objects.filter(family__in=policy.families_visible_to(user))
        .select_related("family__council")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    return episode


def episode_outcomes(user, episode) -> dict:
    """Everything the outcomes page shows, in a fixed number of queries, audited as a view.

    Keys: areas (AreaOutcome per council area: first, latest, change, series, sentence, family_differences,
    line_svg), readings (ReadingRow, oldest first), first, latest, count, overall (sum, mean, areas, sentence),
    star_svg, family_differences (every reading where the family's own score differed), council_areas.
    """
    _require_view(user, episode)
    areas = list(episode.family.council.outcome_areas or [])
    rows = _rows(_readings(episode))
    result = _summarise(areas, rows, with_lines=True)
    names = {a["code"]: a["name"] for a in areas}
    result["readings"] = rows
    result["council_areas"] = areas
    result["family_differences"] = [
        {"taken_on": row.taken_on, "label": row.label, "area": names.get(code, code), "score": row.scores.get(code),
         "family_score": fs}
        for row in rows for code, fs in row.family_scores.items()
    ]
    trail.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id,
                 detail={"view": "outcomes", "readings": len(rows)})
    return result


def episode_panel(user, episode) -> dict:
    """The episode page's outcomes panel: the star of first against latest scores and a compact table.

    One query (the readings with their scores), and the access decision if the request has not made it already. The
    episode page audits the view.
    """
    _require_view(user, episode)
    areas = list(episode.family.council.outcome_areas or [])
    rows = _rows(_readings(episode))
    result = _summarise(areas, rows, with_lines=False)
    result["can_record"] = episode.is_open and policy.can_edit_family(user, episode.family)
    return result
