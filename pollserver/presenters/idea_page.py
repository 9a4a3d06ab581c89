"""``/ideas/<jam>/<idea>`` for one reader: the idea, what they can do there, or why it is gone.

The public part (history, notes, articles, duplicates) is :func:`roadmap.idea_page_view`;
this adds the reader's own fields (their vote, their votes left, whether votes are taken)
and sorts out ideas that have no page: erased (gone for good: 410), merged (the page is the
idea it was merged into), hidden, rejected or pending (not shown: 404 that says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pollserver.domain import boards, jams
from pollserver.domain.errors import NotFound
from pollserver.domain.roadmap import idea_path
from pollserver.domain.voters import ERASED_TITLE
from pollserver.presenters.roadmap import idea_page_view
from pollserver.store.roadmap import site_statuses
from pollserver.web.services import Reader

__all__ = ["IdeaPage", "idea_page"]


@dataclass(frozen=True)
class IdeaPage:
    """What the idea's address answers: ``shown`` (with ``view``), ``merged`` (``target``),
    ``erased`` or ``hidden`` (with the jam's title and address to go on from)."""

    state: str
    view: dict[str, Any] | None = None
    target: str | None = None
    jam_title: str = ""
    jam_url: str = ""


def idea_page(reader: Reader, jam_id: str, idea_id: str) -> IdeaPage:
    """Return the page for this reader; ``NotFound`` when the jam or idea never existed."""
    store = reader.store
    item, spec = reader.load("jam", jam_id)
    idea = store.get_idea(idea_id)
    if idea is None or idea.jam_id != item.id:
        raise NotFound("There is no such idea.")
    back = {"jam_title": spec.title, "jam_url": f"/jams/{item.id}"}
    if idea.moderation != "published":
        erased = idea.title == ERASED_TITLE and idea.author is None
        return IdeaPage("erased" if erased else "hidden", **back)
    if idea.status == "merged" and idea.merged_into:
        return IdeaPage("merged", target=idea_path(item.id, idea.merged_into), **back)
    view = idea_page_view(reader, jam_id, idea_id)
    state = jams.jam_state(spec, item.closed_at, reader.at, archived=item.archived)
    mine = store.idea_votes_of(item.id, reader.voter) if reader.voter else set()
    finished = boards.finished_keys(site_statuses(store))
    ideas = {i: found for i in mine if (found := store.get_idea(i)) is not None}
    labels = spec.topic_keys()
    view.update(
        board=boards.is_board(spec), vote_open=state.vote_open, phase=state.phase,
        voted_by_me=idea.id in mine, mine=reader.voter is not None
        and idea.voter_id == reader.voter,
        my_votes_left=boards.votes_left_on(spec, mine, ideas, finished),
        votes_per_person=spec.votes_per_person,
        author_verified=idea.voter_id is not None and store.is_verified(idea.voter_id),
        finished=boards.is_board(spec) and idea.status in finished,
        topics=[{"key": key, "label": labels[key]} for key in idea.topics if key in labels])
    return IdeaPage("shown", view=view, **back)
