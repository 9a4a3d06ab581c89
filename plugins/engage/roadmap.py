"""Bake the public roadmap into the site: the ``roadmap`` page's data and an Atom feed.

The cards come from ``var/results.json`` (``"roadmap"``, written by ``pollserver results``
from :func:`pollserver.domain.roadmap.roadmap_cards`), the labels from this build's
``ENGAGE_STATUSES``. The page is a direct template (``roadmap.html``, saved as
``ROADMAP_SAVE_AS``) so it is readable without JavaScript and indexed by search; the widget
refreshes it from ``/api/roadmap``. The feed has one entry per status change past ``open``;
each language of the hub has its own (``de/feeds/roadmap.atom.xml``), in its words.

Titles and authors are readers' text and the editor's note is plain text too: the feed
library writes the description as ``<summary type="html">``, so the note is escaped for
HTML first (a feed reader decoding it once shows the characters, never markup); titles and
names go into ``<title>`` and ``<name>``, which are text.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from feedgenerator import Atom1Feed
from languages.catalogs import directory_of, translations

from pollserver.domain.roadmap import roadmap_sections
from pollserver.domain.statuses import Status, label_of

from .results import reader_text

__all__ = ["ROADMAP_FEED", "roadmap_context", "write_roadmap_feed"]

#: Where the feed of roadmap changes is written (relative to the output folder and after the
#: language's prefix: ``HUB_PREFIX``, empty for the main language).
ROADMAP_FEED = "feeds/roadmap.atom.xml"


def _(text: str) -> str:
    """Mark a theme string for extraction (``make translations``)."""
    return text


TITLE = _("%(site)s: roadmap changes")
DESCRIPTION = _("Ideas you sent us, as they move along the roadmap.")
NOW = _("Now %(status)s.")


def _cards(results: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The snapshot's cards with their reader text (titles, authors, notes) made writable
    plain text: a lone surrogate would otherwise stop the page and the feed being written."""
    cards = (results or {}).get("roadmap")
    if not isinstance(cards, list):
        return []
    return [_plain(c) for c in cards if isinstance(c, dict) and isinstance(c.get("status"), str)
            and isinstance(c.get("title"), str)]


def _plain(card: dict[str, Any]) -> dict[str, Any]:
    history = [dict(step, note=reader_text(step.get("note") or ""))
               for step in card.get("history") or () if isinstance(step, dict)]
    return dict(card, title=reader_text(card["title"]), note=reader_text(card.get("note") or ""),
                author=reader_text(card["author"]) if card.get("author") else None,
                history=history)


def roadmap_context(results: dict[str, Any] | None, statuses: tuple[Status, ...],
                    articles: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    """Return what the ``roadmap.html`` template shows: sections of cards, newest first.

    ``articles`` maps ``jam/idea`` to the articles that announced it (their metadata
    ``Ideas:``), so a card links to its news.
    """
    cards = [dict(c, articles=articles.get(f"{c.get('jam')}/{c.get('id')}", []))
             for c in _cards(results)]
    return {"sections": roadmap_sections(cards, statuses), "known": results is not None,
            "count": len(cards)}


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def write_roadmap_feed(output: Path, results: dict[str, Any] | None,
                       statuses: tuple[Status, ...], settings: dict[str, Any]) -> Path:
    """Write the Atom feed of roadmap changes (newest first) and return its path."""
    site = str(settings.get("SITEURL", "")).rstrip("/")
    prefix = str(settings.get("HUB_PREFIX") or "")
    lang = str(settings.get("DEFAULT_LANG") or "en")
    words = translations(directory_of(settings), lang)
    feed = Atom1Feed(title=words.gettext(TITLE) % {"site": settings.get("SITENAME", "Hub")},
                     link=f"{site}/{prefix}roadmap", feed_url=f"{site}/{prefix}{ROADMAP_FEED}",
                     description=words.gettext(DESCRIPTION), language=lang)
    entries = []
    for card in _cards(results):
        for n, step in enumerate(card.get("history") or ()):
            status = label_of(statuses, str(step.get("status")))
            at = _when(step.get("at"))
            if status.meaning == "open" or at is None:
                continue
            entries.append((at, card, n, status, str(step.get("note") or "")))
    entries.sort(key=lambda e: e[0], reverse=True)
    for at, card, n, status, note in entries[:50]:
        link = f"{site}{card.get('url', '/roadmap')}"
        feed.add_item(title=f"{card['title']}: {status.label}", link=link,
                      unique_id=f"{link}#status-{n}", pubdate=at, updateddate=at,
                      description=escape(note or words.gettext(NOW) % {
                          "status": status.label.lower()}),
                      author_name=card.get("author") or None)
    path = output / prefix / ROADMAP_FEED
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        feed.write(handle, "utf-8")
    return path
