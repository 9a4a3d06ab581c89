"""One page of a jam's ideas for the moderation screen: search, filter by state, 50 a page.

The screen once listed every idea with a merge menu naming every other idea, so its size
grew with the square of the ideas (1,540 ideas: 211 MB of HTML). Now a page holds at most
``PER_PAGE`` ideas and nothing on it lists the whole jam: merge targets are typed (by id,
with the page's ideas offered), and the winners form shows the current winners plus this
page's candidates, so ticking on page 3 never unticks a winner from page 1.

Editors' order is stable (waiting first, then by votes, then oldest), so plain page numbers
are enough here; the public list's cursors (``domain/paging.py``) exist for readers' orders
that move while they scroll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pollserver.domain.paging import Q_MAX, search_terms
from pollserver.domain.records import Idea

__all__ = ["PER_PAGE", "STATES", "ModerationPage", "moderation_page"]

PER_PAGE = 50
#: The moderation states an editor can filter by, in the screen's order.
STATES = ("pending", "published", "hidden", "rejected")
_ORDER = {state: n for n, state in enumerate(STATES)}


@dataclass(frozen=True)
class ModerationPage:
    """What the screen shows: this page's ideas and how to reach the others."""

    ideas: list[Idea]
    winners: list[Idea]
    total: int
    counts: dict[str, int]
    page: int
    pages: int
    q: str
    state: str


def _matches(idea: Idea, terms: list[str]) -> bool:
    text = f"{idea.title} {idea.body} {idea.author or ''} {idea.id}".casefold()
    return all(term in text for term in terms)


def read_page(raw: str | None) -> int:
    """A page number from the query string; anything odd is the first page."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10**6 else 1


def moderation_page(ideas: Iterable[Idea], *, q: str = "", state: str = "",
                    page: int = 1, per_page: int = PER_PAGE) -> ModerationPage:
    """Cut one page of ``ideas`` (any order) matching the search ``q`` and ``state``."""
    q = q.strip()[:Q_MAX]
    state = state if state in STATES else ""
    terms = search_terms(q)
    counts = dict.fromkeys(STATES, 0)
    chosen, winners = [], []
    for idea in ideas:
        counts[idea.moderation] = counts.get(idea.moderation, 0) + 1
        if idea.winner:
            winners.append(idea)
        if (not state or idea.moderation == state) and (not terms or _matches(idea, terms)):
            chosen.append(idea)
    chosen.sort(key=lambda i: (_ORDER.get(i.moderation, 9), -i.votes, i.created_at, i.id))
    pages = max(1, -(-len(chosen) // per_page))
    page = min(max(page, 1), pages)
    shown = chosen[(page - 1) * per_page:page * per_page]
    return ModerationPage(ideas=shown, winners=winners, total=len(chosen), counts=counts,
                          page=page, pages=pages, q=q, state=state)
