"""Bar charts as inline SVG for the inspection report: no chart library, nothing fetched.

Each bar carries its number as text, and the series differ in lightness as well as hue, so a chart
reads the same printed in grey.
"""

from __future__ import annotations

from html import escape

ROW_HEIGHT = 22
BAR_HEIGHT = 14
BAR_WIDTH = 260
VALUE_WIDTH = 50
#: Series fills from dark to light: distinct in grey too (error, warning, info; one-series charts use the first).
FILLS = ("#7a1f1f", "#c98a1b", "#b9cce0")
SINGLE_FILL = "#3d5a80"  # a one-series chart: counts, not severities


def _text_width(text: str) -> float:
    """Roughly how wide ``text`` is at 12 px: a CJK character a full em, others a little over half."""
    return sum(12.0 if ord(char) >= 0x2E80 else 6.8 for char in text)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def stacked_bars(title: str, rows: list[tuple[str, list[int]]], series: list[str], chart_id: str) -> str:
    """One horizontal bar per row, its segments the series in order; the total at the end of the bar.
    ``rows``: (label, [value per series]); ``series``: the legend's names (one name: no legend)."""
    biggest = max((sum(values) for _, values in rows), default=0) or 1
    label_width = max(80, 12 + max((_text_width(label) for label, _ in rows), default=0))
    width = label_width + BAR_WIDTH + VALUE_WIDTH
    legend = len(series) > 1
    top = 8 + (ROW_HEIGHT if legend else 0)
    height = top + ROW_HEIGHT * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
             f'viewBox="0 0 {_number(width)} {height}" width="{_number(width)}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    if legend:
        x = label_width
        for index, name in enumerate(series):
            parts.append(f'<rect x="{_number(x)}" y="6" width="10" height="10" fill="{FILLS[index]}" stroke="#333" '
                         'stroke-width="0.5"/>')
            parts.append(f'<text x="{_number(x + 14)}" y="15" class="legend">{escape(name)}</text>')
            x += 14 + _text_width(name) + 16
    for index, (label, values) in enumerate(rows):
        y = top + index * ROW_HEIGHT
        parts.append(f'<text x="{_number(label_width - 6)}" y="{y + BAR_HEIGHT - 2}" text-anchor="end" class="label">'
                     f"{escape(label)}</text>")
        x = float(label_width)
        for series_index, value in enumerate(values):
            if not value:
                continue
            bar = BAR_WIDTH * value / biggest
            name = escape(series[series_index]) if legend else escape(label)
            parts.append(f'<rect x="{_number(x)}" y="{y}" width="{_number(bar)}" height="{BAR_HEIGHT}" '
                         f'fill="{FILLS[series_index] if legend else SINGLE_FILL}" stroke="#333" stroke-width="0.5">'
                         f"<title>{name}: {value}</title></rect>")
            x += bar
        parts.append(f'<text x="{_number(x + 5)}" y="{y + BAR_HEIGHT - 2}" class="value">{sum(values)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(title: str, rows: list[tuple[str, int]], chart_id: str) -> str:
    """One series: a bar per row with its number."""
    return stacked_bars(title, [(label, [value]) for label, value in rows], [title], chart_id)
