"""Insider previews at their article's own URL: champions before the ``Date``, everyone after.

The build writes a ``Preview: champions`` article dated after the build into the previews
folder beside the site (``output-previews/<save_as>``, or ``POLLSERVER_PREVIEW_DIR``) and lists
it in that folder's ``index.json`` (``plugins/hub/previews.py``); it is not among the site's
files (a static host must never hold it), so its URL reaches ``site.page`` as a missing file.
There :func:`preview_response` decides by the app's clock and the voter cookie:

* before the date, a champion (``store.is_champion``) gets the page as built (badge,
  noindex) with ``Cache-Control: private, no-store`` and ``X-Robots-Tag: noindex``;
* before the date, anyone else gets ``None``: the caller sends the site's 404, the same status
  and body as any missing page, so not even the title leaks;
* from the date on, everyone gets it (badge and noindex taken out, ``no-cache``), so a site
  not rebuilt yet does not hide a public article; the next build makes it an ordinary
  article, listed, in the feeds, the sitemap and search.

The previews folder is never served as files: only this function reads it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Response

from pollserver.domain.champions import PREVIEW_INDEX, preview_access
from pollserver.web.context import get_store, now
from pollserver.web.identity import current_voter

__all__ = ["preview_response"]

#: What only a champion's copy carries: the badge and the robots meta.
PREVIEW_ONLY = re.compile(r"<!-- preview:begin -->.*?<!-- preview:end -->", re.S)


@dataclass(frozen=True)
class _Entry:
    file: Path
    date: datetime


_cache: dict[Path, tuple[tuple[int, int], dict[str, _Entry]]] = {}


def _index(root: Path) -> dict[str, _Entry]:
    """Return site path -> preview (with and without ``.html``), read once per build."""
    index = root / PREVIEW_INDEX
    try:
        st = index.stat()
    except OSError:
        return {}
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(root)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    entries: dict[str, _Entry] = {}
    try:
        for row in json.loads(index.read_text(encoding="utf-8")).get("previews", []):
            entry = _Entry(root / str(row["file"]),
                           datetime.fromisoformat(str(row["date"])))
            path = str(row["path"]).lstrip("/")
            entries[path] = entry
            entries[path.removesuffix(".html")] = entry
    except (ValueError, KeyError, TypeError, AttributeError):
        entries = {}  # a half-written index: no previews rather than an error page
    _cache[root] = (stamp, entries)
    return entries


def preview_response(root: Path, path: str) -> Response | None:
    """Return the preview at ``path`` if this request may read it now, else ``None``
    (``root`` is the previews folder)."""
    entry = _index(root).get(path.lstrip("/"))
    if entry is None:
        return None
    folder = root.resolve()
    try:
        target = entry.file.resolve()
    except OSError:
        return None
    if not target.is_relative_to(folder) or not target.is_file():
        return None
    voter = current_voter()
    champion = voter is not None and get_store().is_champion(voter)
    access = preview_access(entry.date, now(), champion)
    if access is None:
        return None
    html = target.read_text(encoding="utf-8")
    if access == "public":
        response = Response(PREVIEW_ONLY.sub("", html), mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
