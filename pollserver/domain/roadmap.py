"""The roadmap: every published idea an editor moved past ``open``, as plain cards.

One pure function builds the cards from items, ideas and status history, so the server's
``/api/roadmap``, the results snapshot the build bakes into ``/roadmap`` and the Atom feed of
changes all say the same thing. Cards carry status *keys*; labels come from whoever shows
them (the build's or the server's ``ENGAGE_STATUSES``), so a renamed status renames every
card at once and keeps their history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pollserver.domain.records import Idea, Item
from pollserver.domain.specs import iso_utc
from pollserver.domain.statuses import Status, StatusChange, label_of, roadmap_statuses

__all__ = ["idea_path", "roadmap_cards", "roadmap_sections"]


def idea_path(jam_id: str, idea_id: str) -> str:
    """Return the idea's own page on pollserver."""
    return f"/ideas/{jam_id}/{idea_id}"


def _number(idea_id: str) -> int:
    return int(idea_id) if idea_id.isdigit() else 0


def _history(changes: list[StatusChange]) -> list[dict[str, Any]]:
    return [{"status": c.status, "at": iso_utc(c.at), "note": c.note} for c in changes]


def roadmap_cards(jams: Iterable[Item], ideas: Mapping[str, list[Idea]],
                  history: Mapping[str, list[StatusChange]],
                  statuses: tuple[Status, ...]) -> list[dict[str, Any]]:
    """Return one card per published, unmerged idea whose status is past ``open``.

    ``history`` holds each idea's changes oldest first. The card's ``changed_at`` is its last
    status change (the idea's creation if none was recorded); newest changes come first.
    """
    cards: list[dict[str, Any]] = []
    for jam in jams:
        for idea in ideas.get(jam.id, ()):
            status = label_of(statuses, idea.status)
            if idea.moderation != "published" or idea.status == "merged" \
                    or status.meaning == "open":
                continue
            changes = history.get(idea.id, [])
            last = changes[-1] if changes else None
            changed = last.at if last and last.at else idea.created_at
            cards.append({
                "id": idea.id, "jam": jam.id, "jam_title": str(jam.spec.get("title", jam.id)),
                "title": idea.title, "author": idea.author, "votes": idea.votes,
                "status": idea.status, "winner": idea.winner,
                "note": last.note if last and last.status == idea.status else "",
                "changed_at": iso_utc(changed), "url": idea_path(jam.id, idea.id),
                "history": _history(changes),
            })
    cards.sort(key=lambda c: (str(c["changed_at"] or ""), _number(str(c["id"]))),
               reverse=True)
    return cards


def roadmap_sections(cards: list[dict[str, Any]],
                     statuses: tuple[Status, ...]) -> list[dict[str, Any]]:
    """Group cards by status in the site's order; a status no longer listed goes last."""
    shown = roadmap_statuses(statuses)
    keys = [s.key for s in shown]
    extra = [label_of(statuses, k) for k in dict.fromkeys(c["status"] for c in cards)
             if k not in keys]
    return [{"key": s.key, "label": s.label, "css": s.css, "meaning": s.meaning,
             "ideas": [c for c in cards if c["status"] == s.key]}
            for s in (*shown, *extra)]
