"""The reports' charts: one horizontal bar for each row of a table, drawn from the protected figures only, so a
suppressed count has no bar and is labelled "[c]" as it is in the table beside the chart."""

from hearth.reports.suppression import shown_as
from hearth.web import svg

BAR = "#1d70b8"
LABEL_WIDTH = 230
BAR_SPACE = 360
ROW_HEIGHT = 26
TOP = 12


def bar_chart(title: str, desc: str, rows: list[tuple[str, int | None]]) -> str:
    """`rows`: (label, protected count). Labels longer than the space are cut with an ellipsis (the table beside
    the chart has them whole)."""
    width = LABEL_WIDTH + BAR_SPACE + 70
    height = TOP * 2 + ROW_HEIGHT * max(len(rows), 1)
    identifier = svg.chart_id("bar", title, tuple(rows))
    largest = max((v for _, v in rows if v), default=0)
    parts = svg.svg_open(identifier, width, height, title, desc, "hearth-bar-chart")
    for i, (label, value) in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{svg.coordinate(y + 17)}" text-anchor="end" '
                     f'fill="{svg.TEXT}">{svg.text(short)}</text>')
        length = BAR_SPACE * value / largest if value and largest else 0
        if length:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{svg.coordinate(y + 4)}" width="{svg.coordinate(length)}" '
                         f'height="{ROW_HEIGHT - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{svg.coordinate(LABEL_WIDTH + length + 6)}" y="{svg.coordinate(y + 17)}" '
                     f'fill="{svg.TEXT}">{svg.text(shown_as(value))}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" y2="{height - TOP}" '
                 f'stroke="{svg.GRID}" stroke-width="1"/>')
    parts.append("</svg>")
    return "\n".join(parts)
