"""Markdown table alignment as classes, because the site's CSP forbids inline styles.

Python-Markdown's tables extension aligns a column (``|---:|``) with the ``align`` attribute,
which HTML5 made obsolete, or with ``style="text-align: …"``, which ``style-src 'self'``
blocks. This tree processor turns either into ``class="align-right"`` (``-left``,
``-center``), which the theme styles.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

__all__ = ["TableAlignExtension", "makeExtension"]

ALIGNMENTS = {"left", "right", "center"}
STYLE = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")


class TableAlignProcessor(Treeprocessor):
    """Replace ``align``/``style`` on table cells with an ``align-*`` class."""

    def run(self, root: ET.Element) -> None:
        """Rewrite every ``th`` and ``td`` in the document tree in place."""
        for cell in root.iter():
            if cell.tag not in ("th", "td"):
                continue
            align = cell.attrib.pop("align", None)
            style = STYLE.match(cell.get("style", ""))
            if style:
                del cell.attrib["style"]
                align = style.group(1)
            if align in ALIGNMENTS:
                classes = cell.get("class", "").split()
                cell.set("class", " ".join([*classes, f"align-{align}"]))


class TableAlignExtension(Extension):
    """Register :class:`TableAlignProcessor` (after the tree is built, before serialising)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the tree processor to ``md``."""
        md.treeprocessors.register(TableAlignProcessor(md), "hub_table_align", 5)


def makeExtension(**kwargs: object) -> TableAlignExtension:
    """Let Markdown load the extension by its dotted name."""
    return TableAlignExtension(**kwargs)
