"""Server-rendered SVG charts: poll bars and the NPS trend line (no JavaScript, no styles).

Only SVG presentation attributes and classes from admin.css are used, so the charts pass a
``style-src 'self'`` CSP. Every chart has a ``<title>`` and ``<desc>`` and the numbers are
also printed as text, so it reads without seeing the shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from pollserver.domain.surveys import TrendPoint

__all__ = ["bar_chart", "trend_chart"]

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 320


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" id="{escape(chart_id)}" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


#: Characters of an option label that fit in LABEL_WIDTH at the admin's 13px chart font.
LABEL_CHARS = 26


def _label(label: str, x: int, y: int) -> str:
    """Return the label as SVG text that starts inside the chart and never runs off its edge.

    The text starts at the left edge (an end-anchored label overflowing to the left was cut:
    "ountain Water Mexico: carame…"); a long label is cut at its end with "…" and keeps the
    whole wording in a ``<title>`` (a tooltip, and what screen readers announce).
    """
    if len(label) <= LABEL_CHARS:
        return f'<text x="{x}" y="{y}">{escape(label)}</text>'
    short = label[: LABEL_CHARS - 1].rstrip() + "…"
    return f'<text x="{x}" y="{y}"><title>{escape(label)}</title>{escape(short)}</text>'


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, int]]) -> Markup:
    """Return a horizontal bar chart: one labelled bar per option with count and share."""
    total = sum(n for _, n in bars)
    top = max([n for _, n in bars] + [1])
    width = LABEL_WIDTH + BAR_WIDTH + 90
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    body = []
    parts = []
    for row, (label, count) in enumerate(bars):
        y = GAP + row * (BAR_HEIGHT + GAP)
        share = round(100 * count / total) if total else 0
        length = round(BAR_WIDTH * count / top)
        parts.append(f"{label}: {count} ({share}%)")
        body.append(
            f"{_label(label, 4, y + BAR_HEIGHT - 6)}"
            f'<rect class="bar-fill" x="{LABEL_WIDTH}" y="{y}" width="{length}" '
            f'height="{BAR_HEIGHT}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT - 6}">'
            f"{count} ({share}%)</text>")
    body.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" '
                f'y2="{height}"></line>')
    return _svg(chart_id, width, height, title, "; ".join(parts) or "No votes yet.", body)


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%b')}"


def trend_chart(chart_id: str, title: str, points: Sequence[TrendPoint]) -> Markup:
    """Return the rolling NPS as a line from -100 to +100, one point per day with answers."""
    left, right, top, bottom = 48, 16, 12, 36
    plot_w, plot_h = 560, 200
    width, height = left + plot_w + right, top + plot_h + bottom
    step = plot_w / max(len(points) - 1, 1)

    def y_of(score: float) -> float:
        return top + (100 - score) / 200 * plot_h

    body = []
    for mark in (100, 50, 0, -50, -100):
        y = y_of(mark)
        body.append(f'<line class="{"zero" if mark == 0 else "grid"}" x1="{left}" y1="{y:.1f}" '
                    f'x2="{left + plot_w}" y2="{y:.1f}"></line>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{mark:+d}</text>')
    segments: list[list[str]] = [[]]
    described = []
    for i, point in enumerate(points):
        x = left + i * step
        if point.nps.score is None:
            segments.append([])
            continue
        y = y_of(point.nps.score)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.5"></circle>')
        described.append(f"{_day(point.day)}: {point.nps.score:+d} ({point.nps.total} answers)")
    for segment in segments:
        if len(segment) > 1:
            body.append(f'<polyline class="line" points="{" ".join(segment)}"></polyline>')
    if points:
        for i in sorted({0, len(points) // 2, len(points) - 1}):
            anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
            body.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 20}" '
                        f'text-anchor="{anchor}">{escape(_day(points[i].day))}</text>')
    body.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" '
                f'y2="{top + plot_h}"></line>')
    desc = ("NPS over the previous 30 days, day by day. "
            + ("; ".join(described[-7:]) if described else "No answers in this period."))
    return _svg(chart_id, width, height, title, desc, body)
