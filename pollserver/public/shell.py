"""The site's own frame (header, navigation, footer) for pollserver's server-rendered pages.

The Pelican theme writes ``engage/shell.html`` with markers where the page's title, path and
content go, so pages like ``/jams/ID`` look exactly like the rest of the hub and pick up theme
changes with the next build. Without a built site a plain frame is used. Each language's
sub-site writes its own (``de/engage/shell.html``: German navigation, ``<html lang="de">``);
a page in a language without one uses the main site's.
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


def load_shell(lang: str | None = None) -> Shell | None:
    """Return the built site's frame in ``lang`` (else the main site's), re-read when the
    file changes, or ``None``."""
    settings = services().settings
    if not settings.site_dir:
        return None
    paths = [Path(settings.site_dir) / SHELL_FILE]
    if lang and lang != settings.language:
        paths.insert(0, Path(settings.site_dir) / lang / SHELL_FILE)
    for path in paths:
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            continue
        cache = services().shell
        key = str(path)
        if cache.get(key, (None,))[0] != mtime:
            cache[key] = (mtime, _read(path))
        return cache[key][1]
    return None
