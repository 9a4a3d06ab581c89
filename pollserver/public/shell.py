"""The site's own frame (header, navigation, footer) for pollserver's server-rendered pages.

The Pelican theme writes ``engage/shell.html`` with markers where the page's title, path and
content go, so pages like ``/jams/ID`` look exactly like the rest of the hub and pick up theme
changes with the next build. Without a built site a plain frame is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from pollserver.web.context import services

__all__ = ["Shell", "load_shell"]

SHELL_FILE = Path("engage") / "shell.html"
MAIN = "<!--pollserver:main-->"


class Shell(NamedTuple):
    """The frame split around the main content; ``title`` and ``path`` markers stay in it."""

    before: Markup
    after: Markup


def _read(path: Path) -> Shell | None:
    try:
        html = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if html.count(MAIN) != 1:
        return None
    before, after = html.split(MAIN)
    return Shell(Markup(before), Markup(after))


def load_shell() -> Shell | None:
    """Return the built site's frame, re-read when the file changes, or ``None``."""
    site_dir = services().settings.site_dir
    if not site_dir:
        return None
    path = Path(site_dir) / SHELL_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    cache = services().shell
    if cache.get("mtime") != mtime:
        cache.update(mtime=mtime, shell=_read(path))
    return cache["shell"]
