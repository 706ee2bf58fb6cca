"""Outcome charts drawn on the server as SVG: no JavaScript, the same in a browser and in a WeasyPrint PDF.

Every chart is an image with a title and a description (role="img", aria-labelledby), uses presentation
attributes only (no CSS, so the content security policy and PDF rendering see the same thing), escapes
every piece of text, and is deterministic: the same input gives byte-for-byte the same output.
A chart never stands alone: pages put a data table with a caption beside it.
"""

import math
import textwrap
from datetime import date

from hearth.web import svg

SCALE_MAX = 10
FONT, TEXT, GRID, GRID_LIGHT = svg.FONT, svg.TEXT, svg.GRID, svg.GRID_LIGHT
FIRST = {"colour": "#505a5f", "dash": "8 5", "width": "2.5"}
LATEST = {"colour": "#1d70b8", "dash": "", "width": "3"}


_e = svg.text
_n = svg.coordinate
_chart_id = svg.chart_id
_open = svg.svg_open


def _square(x: float, y: float, colour: str, size: float = 8) -> str:
    h = size / 2
    return (f'<rect x="{_n(x - h)}" y="{_n(y - h)}" width="{_n(size)}" height="{_n(size)}" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2"/>')


def _circle(x: float, y: float, colour: str, r: float = 4.5) -> str:
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'


def _scores_sentence(areas: list[dict], scores: dict) -> str:
    parts = []
    for area in areas:
        value = scores.get(area["code"])
        parts.append(f"{area['name']} {value if value is not None else 'not scored'}")
    return ", ".join(parts)


# Star (radar) chart ---------------------------------------------------------------------------------------

STAR_W, STAR_H = 600, 520
STAR_CX, STAR_CY, STAR_R = 300, 245, 160
LABEL_GAP, LABEL_WRAP, LINE_H = 14, 15, 15


def _angle(i: int, n: int) -> float:
    """Clockwise from the top."""
    return -math.pi / 2 + 2 * math.pi * i / n


def _point(i: int, n: int, value: float) -> tuple[float, float]:
    r = STAR_R * max(0.0, min(float(value), SCALE_MAX)) / SCALE_MAX
    a = _angle(i, n)
    return STAR_CX + r * math.cos(a), STAR_CY + r * math.sin(a)


def _axis_label(i: int, n: int, name: str) -> str:
    a = _angle(i, n)
    cos, sin = math.cos(a), math.sin(a)
    x = STAR_CX + (STAR_R + LABEL_GAP) * cos
    y = STAR_CY + (STAR_R + LABEL_GAP) * sin
    anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
    lines = textwrap.wrap(name, LABEL_WRAP, break_long_words=False) or [""]
    block = LINE_H * len(lines)
    if sin < -0.2:
        top = y - block + 4  # above the point
    elif sin > 0.2:
        top = y + 4  # below the point
    else:
        top = y - block / 2 + 4
    out = ['<g class="axis-label">']
    for k, line in enumerate(lines):
        baseline = top + LINE_H * (k + 1) - 4
        out.append(f'<text x="{_n(x)}" y="{_n(baseline)}" text-anchor="{anchor}" fill="{TEXT}">{_e(line)}</text>')
    out.append("</g>")
    return "".join(out)


def _star_series(areas: list[dict], scores: dict, style: dict, name: str, marker) -> list[str]:
    n = len(areas)
    pts = [_point(i, n, scores.get(a["code"]) or 0) for i, a in enumerate(areas)]
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    fill = 'fill="#1d70b8" fill-opacity="0.12"' if name == "latest" else 'fill="none"'
    out = [f'<g class="series series-{name}">',
           f'<polygon class="reading-{name}" points="{points}" {fill} stroke="{style["colour"]}" '
           f'stroke-width="{style["width"]}" stroke-linejoin="round"{dash}/>']
    out.extend(marker(x, y, style["colour"]) for x, y in pts)
    out.append("</g>")
    return out


def star_chart(areas: list[dict], first: dict | None, latest: dict | None, *, first_label: str = "First scores",
               latest_label: str = "Latest scores", title: str = "Outcome star: first and latest scores") -> str:
    """A radar chart of the outcome areas on a 1 to 10 scale: the first reading (dashed line, square markers)
    and the latest (solid line, round markers). `first` and `latest` map area codes to scores; either may be None.
    """
    areas = list(areas)
    n = len(areas)
    chart_id = _chart_id("star", [(a["code"], a["name"]) for a in areas], sorted((first or {}).items()),
                         sorted((latest or {}).items()), first_label, latest_label, title)
    desc_parts = [f"A star chart of {n} outcome areas, each scored from 1 (very difficult) to 10 (going well)."]
    if first is not None:
        desc_parts.append(f"{first_label}: {_scores_sentence(areas, first)}.")
    if latest is not None:
        desc_parts.append(f"{latest_label}: {_scores_sentence(areas, latest)}.")
    if first is None and latest is None:
        desc_parts.append("No scores have been recorded yet.")
    out = _open(chart_id, STAR_W, STAR_H, title, " ".join(desc_parts), "hearth-star-chart")

    # Grid: one ring per point of the scale, every other ring darker, and a spoke per area.
    out.append('<g class="grid" fill="none">')
    if n >= 3:
        for level in range(1, SCALE_MAX + 1):
            ring = " ".join(f"{_n(x)},{_n(y)}" for x, y in (_point(i, n, level) for i in range(n)))
            colour = GRID if level % 2 == 0 else GRID_LIGHT
            out.append(f'<polygon points="{ring}" stroke="{colour}" stroke-width="1"/>')
    for i in range(n):
        x, y = _point(i, n, SCALE_MAX)
        out.append(f'<line x1="{STAR_CX}" y1="{STAR_CY}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>')
    out.append("</g>")
    # Scale numbers up the first spoke.
    out.append('<g class="scale" font-size="11" fill="#505a5f">')
    for level in range(2, SCALE_MAX + 1, 2):
        y = STAR_CY - STAR_R * level / SCALE_MAX
        out.append(f'<text x="{STAR_CX - 5}" y="{_n(y + 4)}" text-anchor="end">{level}</text>')
    out.append("</g>")
    out.append('<g class="axis-labels">')
    out.extend(_axis_label(i, n, a["name"]) for i, a in enumerate(areas))
    out.append("</g>")

    if first is not None:
        out.extend(_star_series(areas, first, FIRST, "first", _square))
    if latest is not None:
        out.extend(_star_series(areas, latest, LATEST, "latest", _circle))

    # Legend, below the chart.
    legend_y = STAR_H - 56
    out.append(f'<g class="legend" transform="translate(150 {legend_y})">')
    rows = []
    if first is not None:
        rows.append((FIRST, _square, first_label))
    if latest is not None:
        rows.append((LATEST, _circle, latest_label))
    for k, (style, marker, label) in enumerate(rows):
        y = 10 + k * 22
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        out.append(f'<line x1="0" y1="{y}" x2="40" y2="{y}" stroke="{style["colour"]}" '
                   f'stroke-width="{style["width"]}"{dash}/>')
        out.append(marker(20, y, style["colour"]))
        out.append(f'<text x="50" y="{y + 5}" fill="{TEXT}">{_e(label)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# Line chart ------------------------------------------------------------------------------------------------

LINE_W, LINE_H_PX = 480, 260
PLOT_L, PLOT_R, PLOT_T, PLOT_B = 44, 456, 20, 190
MAX_X_TICKS = 6


def _short_date(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def day_labels(dates: list[date]) -> list[str]:
    """Each reading's date as the charts and tables name it, in the order given (oldest first, then by the time it was
    recorded): '5 Dec 2026', and for a second or later set of scores on the same day '5 Dec 2026 (2)'."""
    seen: dict[date, int] = {}
    labels = []
    for d in dates:
        seen[d] = seen.get(d, 0) + 1
        labels.append(_short_date(d) if seen[d] == 1 else f"{_short_date(d)} ({seen[d]})")
    return labels


MIN_GAP = 36  # px between two readings' points, however close their dates: two sets on one day never collapse


def _x_positions(dates: list[date]) -> list[float]:
    """Spaced by time, but never closer than MIN_GAP (less when that many points would not fit): readings on the
    same day, or days apart in a long episode, are separate points."""
    if not dates:
        return []
    left, right = PLOT_L + 16, PLOT_R - 16
    width = right - left
    count = len(dates)
    if count == 1:
        return [(PLOT_L + PLOT_R) / 2]
    gap = min(MIN_GAP, width / (count - 1))
    lo, hi = dates[0], dates[-1]
    span = (hi - lo).days
    if span == 0:
        middle = (PLOT_L + PLOT_R) / 2
        return [middle + (i - (count - 1) / 2) * gap for i in range(count)]
    xs = [left + width * (d - lo).days / span for d in dates]
    for i in range(1, count):  # push each point right of the one before...
        xs[i] = max(xs[i], xs[i - 1] + gap)
    xs[-1] = min(xs[-1], right)
    for i in range(count - 2, -1, -1):  # ...and back inside the plot from the right
        xs[i] = min(xs[i], xs[i + 1] - gap)
    return xs


def _tick_indexes(count: int) -> list[int]:
    if count <= MAX_X_TICKS:
        return list(range(count))
    step = (count - 1) / (MAX_X_TICKS - 1)
    return sorted({round(k * step) for k in range(MAX_X_TICKS)})


def line_chart(area_name: str, points: list[tuple[date, int]], *, title: str | None = None) -> str:
    """One area's score over time: dates along the bottom, the 1 to 10 scale up the side, a marker per reading.

    `points` are in the order the readings were taken; those on the same day stay in the order given (the order they
    were recorded), each a point of its own, labelled '5 Dec 2026 (2)' after the first."""
    points = sorted(points, key=lambda p: p[0])  # stable: the same day's readings keep their order
    dates = [d for d, _ in points]
    labels = day_labels(dates)
    chart_id = _chart_id("line", area_name, [(d.isoformat(), s) for d, s in points], title)
    title = title or f"{area_name}: scores over time"
    if points:
        listed = "; ".join(f"{label}: {s}" for label, (_, s) in zip(labels, points, strict=True))
        sets = "1 set of scores" if len(points) == 1 else f"{len(points)} sets of scores"
        desc = f"A line chart of the score for {area_name} on a scale of 1 to 10, {sets}. {listed}."
    else:
        desc = f"No scores have been recorded for {area_name} yet."
    out = _open(chart_id, LINE_W, LINE_H_PX, title, desc, "hearth-line-chart")

    def y_of(score: float) -> float:
        return PLOT_B - (PLOT_B - PLOT_T) * (score - 1) / (SCALE_MAX - 1)

    out.append('<g class="grid">')
    for level in range(1, SCALE_MAX + 1):
        y = y_of(level)
        colour = GRID if level in (1, 5, 10) else GRID_LIGHT
        out.append(f'<line x1="{PLOT_L}" y1="{_n(y)}" x2="{PLOT_R}" y2="{_n(y)}" stroke="{colour}" stroke-width="1"/>')
        out.append(f'<text x="{PLOT_L - 8}" y="{_n(y + 4)}" text-anchor="end" font-size="11" fill="#505a5f">'
                   f'{level}</text>')
    out.append(f'<line x1="{PLOT_L}" y1="{PLOT_B}" x2="{PLOT_R}" y2="{PLOT_B}" stroke="{TEXT}" stroke-width="1"/>')
    out.append(f'<line x1="{PLOT_L}" y1="{PLOT_T}" x2="{PLOT_L}" y2="{PLOT_B}" stroke="{TEXT}" stroke-width="1"/>')
    out.append("</g>")

    xs = _x_positions(dates)
    out.append('<g class="x-axis">')
    for i in _tick_indexes(len(points)):
        x = xs[i]
        out.append(f'<line x1="{_n(x)}" y1="{PLOT_B}" x2="{_n(x)}" y2="{PLOT_B + 5}" stroke="{TEXT}" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{_n(x)}" y="{PLOT_B + 18}" text-anchor="end" font-size="11" fill="{TEXT}" '
                   f'transform="rotate(-30 {_n(x)} {PLOT_B + 18})">{_e(labels[i])}</text>')
    out.append("</g>")

    if points:
        coords = [(x, y_of(s)) for x, (_, s) in zip(xs, points, strict=True)]
        out.append('<g class="series">')
        if len(coords) > 1:
            line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
            out.append(f'<polyline points="{line}" fill="none" stroke="{LATEST["colour"]}" stroke-width="3" '
                       f'stroke-linejoin="round"/>')
        out.extend(_circle(x, y, LATEST["colour"]) for x, y in coords)
        if len(coords) <= 12:
            for (x, y), (_, s) in zip(coords, points, strict=True):
                out.append(f'<text x="{_n(x)}" y="{_n(y - 9)}" text-anchor="middle" font-size="11" '
                           f'font-weight="bold" fill="{TEXT}">{s}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
