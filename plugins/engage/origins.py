"""Two origins, no dead links: with ``ENGAGE_API_URL`` every link to a page pollserver renders
points at pollserver's origin.

On a two-host deployment the static host has no ``/me``, ``/jams/ID``, ``/ideas/JAM/ID``,
``/champions`` or ``/follows/...``: pollserver renders them on its own name. After Pelican has
written a site, every HTML file of its output gets those links made absolute (the theme's
navigation, the blocks' "see all ideas", the roadmap's idea cards alike, whichever template
wrote them). Links already absolute are left alone, so running it twice changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["SERVER_PAGES", "point_links_at", "rewrite_output"]

#: ``href``/``action`` values pollserver answers and the static host does not (paths only).
SERVER_PAGES = re.compile(
    r'(?P<attr>\s(?:href|action))="(?P<path>/(?:me|champions)(?:[/?#][^"]*)?'
    r'|/(?:jams|ideas|follows)/[^"]*)"')


def point_links_at(html: str, api: str) -> str:
    """Return ``html`` with links to pollserver's pages on ``api`` (``https://engage...``)."""
    if not api:
        return html
    return SERVER_PAGES.sub(lambda m: f'{m["attr"]}="{api}{m["path"]}"', html)


def rewrite_output(output: Path, api: str) -> int:
    """Point the links of every HTML file under ``output``; return how many files changed."""
    if not api:
        return 0
    changed = 0
    for path in Path(output).rglob("*.html"):
        if "engage" in path.relative_to(output).parts[:1]:
            continue  # the shell pollserver frames its own pages with: its links stay local
        html = path.read_text(encoding="utf-8")
        pointed = point_links_at(html, api)
        if pointed != html:
            path.write_text(pointed, encoding="utf-8")
            changed += 1
    return changed
