"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable without colour.

A chart carries its title and a description for screen readers, and every
bar its label and number as text (a table of the same numbers beside it only
where a table adds something: every row of a long list, say).  The text is
drawn at 14 px in a chart 560 px wide, which a half-width panel of a 1366 px
screen shows unscaled; ``links`` make each bar (label and bar) a link to the
list it counts.
"""
from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

ROW_HEIGHT = 28
BAR_HEIGHT = 16
VALUE_WIDTH = 72          # room right of the longest bar for its number
CHART_WIDTH = 560
FONT_SIZE = 14            # px, set on the chart itself: page styles cannot shrink it
CHAR_WIDTH = 8            # an ASCII character at the chart's font size; wide characters count 2
MAX_LABEL_WIDTH = 288    # px; longer labels are cut with "…" (the whole label is the bar's tooltip)


def text_width(text: str) -> float:
    """Approximate drawn width of ``text`` (East Asian wide and full-width characters count double)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text) * CHAR_WIDTH


def shorten(text: str, limit: float = MAX_LABEL_WIDTH) -> str:
    """``text`` cut with "…" to be drawn at most ``limit`` px wide."""
    if text_width(text) <= limit:
        return text
    while text and text_width(text + "…") > limit:
        text = text[:-1]
    return text + "…"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]], unit: str = "",
              links: list[str | None] | None = None) -> Markup:
    """A horizontal bar chart of (label, value) rows, as an accessible ``<svg>`` element;
    ``links[i]`` (when given and not None): where row ``i``'s bar leads."""
    labels = [shorten(str(label)) for label, _ in rows]
    label_width = min(MAX_LABEL_WIDTH, max([text_width(t) for t in labels] + [40])) + 12
    bar_room = CHART_WIDTH - label_width - VALUE_WIDTH
    largest = max([value for _, value in rows] + [1])
    height = max(1, len(rows)) * ROW_HEIGHT + 8
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    summary = ", ".join(f"{label} {value:,}{unit}" for label, value in rows)
    parts = [
        (f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet" font-size="{FONT_SIZE}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" xmlns="http://www.w3.org/2000/svg">'),
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(summary)}</desc>',
    ]
    for index, (text, (_, value)) in enumerate(zip(labels, rows)):
        top = 4 + index * ROW_HEIGHT
        width = 0 if value <= 0 else max(2.0, bar_room * value / largest)
        middle = top + ROW_HEIGHT / 2
        link = links[index] if links and index < len(links) else None
        whole = str(rows[index][0])
        tip = f'<title>{escape(whole)} {value:,}{escape(unit)}</title>'
        parts.append(
            (f'<a href="{escape(link)}">' if link else "") +
            f'<g class="bar">{tip}<text class="label" x="{label_width - 8:.0f}" y="{middle:.1f}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(text)}</text>'
            f'<rect x="{label_width:.0f}" y="{middle - BAR_HEIGHT / 2:.1f}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" rx="2" fill="#2f6fbf"></rect>'
            f'<text class="value" x="{label_width + width + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle">{value:,}{escape(unit)}</text></g>' + ("</a>" if link else ""))
    if not rows:
        parts.append('<text class="label" x="8" y="18">–</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
