"""The memory store's poll calls (``store/base.py``, polls): votes and tallies, kept
incrementally by the state machine (``state.py``). Bound by ``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from pollserver.domain.records import Tally

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["record_vote", "tally", "vote_of", "withdraw_vote"]


def record_vote(store: MemoryStore, poll_id: str, voter_id: str, choices: Sequence[str], *,
                replace: bool, at: datetime) -> tuple[str, ...] | None:
    return store.commit({"op": "vote", "poll": poll_id, "voter": voter_id,
                         "choices": list(choices), "replace": replace, "at": at.isoformat()})


def tally(store: MemoryStore, poll_id: str) -> Tally:
    with store.reading() as state:
        counts = state.counts.get(poll_id, {})
        return Tally(total=len(state.votes.get(poll_id, ())),
                     counts={k: n for k, n in counts.items() if n})


def vote_of(store: MemoryStore, poll_id: str, voter_id: str) -> tuple[str, ...] | None:
    with store.reading() as state:
        return state.votes.get(poll_id, {}).get(voter_id)


def withdraw_vote(store: MemoryStore, poll_id: str, voter_id: str) -> bool:
    return store.commit({"op": "withdraw", "poll": poll_id, "voter": voter_id})
