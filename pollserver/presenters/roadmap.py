"""The roadmap and one idea as readers see them, for ``/api/roadmap`` and ``/ideas/...``.

Cards come from :func:`pollserver.store.roadmap.roadmap_cards_of` (the same cards the build
bakes), labelled with the site's statuses as the last sync stored them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pollserver.domain.errors import NotFound
from pollserver.domain.roadmap import idea_path, roadmap_sections
from pollserver.domain.specs import iso_utc
from pollserver.domain.statuses import ANNOUNCEMENTS, label_of
from pollserver.presenters.markup import idea_html
from pollserver.store.base import Store
from pollserver.store.roadmap import roadmap_cards_of, site_statuses
from pollserver.web.services import Reader

__all__ = ["idea_page_view", "roadmap_json"]


def announced(store: Store) -> dict[str, list[dict[str, str]]]:
    """Return ``jam/idea`` -> the articles that announced it (title, url), from the last sync."""
    item = store.recent_item(*ANNOUNCEMENTS)
    found = (item.spec.get("announcements") if item else None) or {}
    return {ref: [{"title": a["title"], "url": a["url"]} for a in articles]
            for ref, articles in found.items()}


def roadmap_json(store: Store) -> dict[str, Any]:
    """Return ``{"statuses": [...], "sections": [{key, label, css, meaning, ideas}]}``."""
    statuses = site_statuses(store)
    links = announced(store)
    cards = [dict(c, articles=links.get(f"{c['jam']}/{c['id']}", []))
             for c in roadmap_cards_of(store, statuses)]
    return {"statuses": [asdict(s) for s in statuses],
            "sections": roadmap_sections(cards, statuses)}


def idea_page_view(reader: Reader, jam_id: str, idea_id: str) -> dict[str, Any]:
    """Return one published idea with its history, votes and merged duplicates.

    A pending, hidden or rejected idea is ``NotFound`` (its page must not exist for anyone);
    a merged idea is shown with a link to the idea it was merged into.
    """
    store = reader.store
    item, spec = reader.load("jam", jam_id)
    idea = store.get_idea(idea_id)
    if idea is None or idea.jam_id != item.id or idea.moderation != "published":
        raise NotFound("There is no such idea.")
    statuses = site_statuses(store)
    ideas = store.list_ideas(item.id)
    titles = {i.id: i.title for i in ideas}
    history = [{"status": asdict(label_of(statuses, c.status)), "at": iso_utc(c.at) if c.at
                else None, "note": c.note} for c in store.status_history(idea.id)]
    duplicates = [{"id": i.id, "title": i.title, "url": idea_path(item.id, i.id)}
                  for i in ideas if i.merged_into == idea.id and i.moderation == "published"]
    return {
        "id": idea.id, "jam": item.id, "jam_title": spec.title, "jam_url": f"/jams/{item.id}",
        "title": idea.title, "body_html": idea_html(idea.body), "author": idea.author,
        "votes": idea.votes, "winner": idea.winner, "created_at": iso_utc(idea.created_at),
        "status": asdict(label_of(statuses, idea.status)), "history": history,
        "merged_into": ({"id": idea.merged_into, "title": titles.get(idea.merged_into, ""),
                         "url": idea_path(item.id, idea.merged_into)}
                        if idea.merged_into else None),
        "duplicates": duplicates, "url": idea_path(item.id, idea.id),
        "articles": announced(store).get(f"{item.id}/{idea.id}", []),
    }
