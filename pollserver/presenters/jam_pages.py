"""Cut one page out of a jam's listing for a reader: the API, the vote reply and ``/jams/ID``.

The rules (cursor, search, stability while votes move) are in :mod:`pollserver.domain.paging`;
this module ties them to the jam's prepared listing and keeps the orders cursors point into.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from pollserver.domain.paging import OrderCache, PageRequest, cut_page, search_terms

__all__ = ["page_of"]

class Listing(Protocol):
    """What a jam's prepared listing offers (``pollserver.presenters.jams._JamIdeas``)."""

    version: Hashable | None
    rows: dict[str, dict[str, Any]]
    authored: dict[str, set[str]]
    pending: dict[str, list[Any]]

    def shown(self, voter: str | None, sort: str) -> list[str]: ...


def page_of(entry: Listing, jam_id: str, voter: str | None, sort: str, page: PageRequest,
            orders: OrderCache) -> tuple[list[str], dict[str, Any]]:
    """Return the ids on this page and the paging fields of the response (``orders``: the
    app's kept orders that cursors point into)."""
    order: Sequence[str] = entry.shown(voter, sort)
    own = entry.authored.get(voter, set()) if voter is not None else set()
    # A reader's own pending ideas make their order theirs alone: not worth keeping.
    shared = entry.version is not None and not (voter is not None and entry.pending.get(voter))
    token = f"{sort}.{entry.version}" if shared else None
    rows, terms = entry.rows, search_terms(page.q)

    def shown(idea_id: str) -> bool:
        row = rows.get(idea_id)
        if row is None or (row["moderation"] != "published" and idea_id not in own):
            return False
        if page.topic and page.topic not in row["topics"]:
            return False
        if page.status and row["status"] != page.status:
            return False
        if not terms:
            return True
        text = f"{row['title']}\n{row['body']}\n{row['author'] or ''}".casefold()
        return all(term in text for term in terms)

    cursor = page.cursor
    kept = orders.get(jam_id, cursor.order) if cursor is not None else None
    if kept is not None and cursor is not None and not (cursor.order or "").startswith(f"{sort}."):
        kept = None
    ids, next_cursor, total = cut_page(
        order, page, token=token, kept=kept, shown=shown,
        keep=lambda: orders.keep(jam_id, token, order) if token else None)
    return ids, {"limit": page.limit, "q": page.q, "topic": page.topic or None,
                 "status": page.status or None, "idea_count": total,
                 "next_cursor": next_cursor}
