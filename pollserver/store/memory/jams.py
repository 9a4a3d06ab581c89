"""The memory store's jam calls (``store/base.py``, jams): ideas, idea votes within a budget,
moderation and merges; the rules are the state machine's (``state.py``). Bound by
``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.records import Idea

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["add_idea", "get_idea", "idea_voters", "idea_votes_of", "jam_version", "list_ideas",
           "merge_ideas", "unvote_idea", "update_idea", "vote_idea"]


def add_idea(store: MemoryStore, jam_id: str, *, title: str, body: str, author: str | None,
             voter_id: str | None, moderation: str, at: datetime) -> Idea:
    return store.commit({"op": "idea", "jam": jam_id, "title": title, "body": body,
                         "author": author, "voter": voter_id, "moderation": moderation,
                         "at": at.isoformat()})


def get_idea(store: MemoryStore, idea_id: str) -> Idea | None:
    with store.reading() as state:
        return state.idea(str(idea_id)) if str(idea_id) in state.ideas else None


def list_ideas(store: MemoryStore, jam_id: str) -> list[Idea]:
    with store.reading() as state:
        return [state.idea(i) for i in state.jam_ideas.get(jam_id, ())]


def vote_idea(store: MemoryStore, jam_id: str, idea_id: str, voter_id: str, *, budget: int,
              at: datetime) -> None:
    store.commit({"op": "idea-vote", "jam": jam_id, "idea": str(idea_id), "voter": voter_id,
                  "budget": budget, "at": at.isoformat()})


def unvote_idea(store: MemoryStore, jam_id: str, idea_id: str, voter_id: str) -> bool:
    return store.commit({"op": "idea-unvote", "jam": jam_id, "idea": str(idea_id),
                         "voter": voter_id})


def idea_votes_of(store: MemoryStore, jam_id: str, voter_id: str) -> set[str]:
    with store.reading() as state:
        return set(state.voter_ideas.get((jam_id, voter_id), ()))


def idea_voters(store: MemoryStore, jam_id: str) -> dict[str, set[str]]:
    with store.reading() as state:
        return {i: set(state.idea_voters[i]) for i in state.jam_ideas.get(jam_id, ())
                if state.idea_voters.get(i)}


def jam_version(store: MemoryStore, jam_id: str) -> tuple[int, int, int]:
    with store.reading() as state:
        return state.jam_version(jam_id)


def update_idea(store: MemoryStore, idea_id: str, *, at: datetime | None = None, note: str = "",
                **changes: Any) -> Idea:
    op: dict[str, Any] = {"op": "idea-update", "idea": str(idea_id), "changes": changes}
    if at is not None or note:  # older journal lines carry neither
        op.update(at=at.isoformat() if at else None, note=note)
    return store.commit(op)


def merge_ideas(store: MemoryStore, source_id: str, target_id: str) -> Idea:
    return store.commit({"op": "merge", "source": str(source_id), "target": str(target_id)})
