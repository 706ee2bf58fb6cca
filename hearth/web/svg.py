"""What every chart drawn on the server shares (the outcome charts, the reports' bar charts): SVG with no
JavaScript and no CSS, the same in a browser and in a WeasyPrint PDF; an image with a title and a description
(role="img", aria-labelledby); every piece of text escaped; coordinates rounded so that the same input gives
byte-for-byte the same output. A chart never stands alone: pages put a data table with a caption beside it."""

import hashlib
from html import escape

FONT = "Arial, Helvetica, sans-serif"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
GRID_LIGHT = "#dfe1e2"


def text(value) -> str:
    return escape(str(value), quote=True)


def coordinate(value: float) -> str:
    """A coordinate, rounded so output is stable across platforms."""
    written = f"{value:.1f}"
    return "0.0" if written == "-0.0" else written


def chart_id(*parts) -> str:
    return "chart-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:10]


def svg_open(identifier: str, width: int, height: int, title: str, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hearth-chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{identifier}-title {identifier}-desc" '
        f'font-family="{FONT}" font-size="13">',
        f'<title id="{identifier}-title">{text(title)}</title>',
        f'<desc id="{identifier}-desc">{text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
