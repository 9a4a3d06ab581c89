"""Markdown column alignment becomes a class: no obsolete align, no inline style (CSP)."""

from __future__ import annotations

import markdown

from plugins.hub.tables import TableAlignExtension

TABLE = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n"


def render(**tables: object) -> str:
    return markdown.markdown(TABLE, extensions=["tables", TableAlignExtension()],
                             extension_configs={"tables": tables}, output_format="html")


def test_aligned_columns_get_classes_and_no_attribute():
    html = render(use_align_attribute=True)
    assert html.count('class="align-left"') == 2
    assert html.count('class="align-center"') == 2
    assert html.count('class="align-right"') == 2
    assert "align=" not in html and "style=" not in html
    assert "<td>4</td>" in html  # an unaligned column stays as it was


def test_inline_styles_become_classes_too():
    html = render(use_align_attribute=False)
    assert "style=" not in html and html.count('class="align-right"') == 2
