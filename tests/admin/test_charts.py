"""Bar chart labels: long option labels are cut at their end, never at the chart's left edge."""

from __future__ import annotations

import re

from pollserver.admin.charts import LABEL_CHARS, LABEL_WIDTH, bar_chart

LONG = "Mountain Water Mexico: caramel, cocoa and a long finish"


def _labels(svg: str) -> list[str]:
    """Return (x, inner SVG) of each option label (the texts left of the bars)."""
    found = re.findall(r'<text x="(\d+)" y="\d+">(.*?)</text>', svg)
    return [(x, text) for x, text in found if int(x) < LABEL_WIDTH]


def test_long_label_keeps_its_start_and_the_full_wording_in_a_title():
    svg = str(bar_chart("c", "Results", [(LONG, 3), ("Decaf", 1)]))
    (x, first), (_, second) = _labels(svg)[:2]
    assert int(x) >= 0 and "text-anchor" not in svg.split("<rect")[0]
    assert first == f"<title>{LONG}</title>{LONG[:LABEL_CHARS - 1].rstrip()}…"
    assert second == "Decaf"


def test_every_label_fits_in_the_label_column():
    svg = str(bar_chart("c", "Results", [(LONG, 3), ("W" * 40, 1), ("Short", 0)]))
    for x, text in _labels(svg):
        shown = re.sub(r"<title>.*?</title>", "", text)
        assert len(shown) <= LABEL_CHARS
        # 13px system-ui averages well under 8px a character, so the text stays left of the bars.
        assert int(x) + 8 * len(shown) <= LABEL_WIDTH + 8
