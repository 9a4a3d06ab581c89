"""Claiming an offer's code: one unique code per reader from the offer's reward pool.

The store hands out codes (``claim_code``: one per voter and pool, never one code twice, in
one atomic step on every backend), so parallel claimers each get a different code and the
last ones get nothing. This module adds the offer's rules around it: open dates, "none left",
the same code again for the same reader, the ``claim.made`` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pollserver.actions.rewards import pool_falls_low
from pollserver.actions.voters import RewardGate, VoterSource, any_reward
from pollserver.domain import events
from pollserver.domain.errors import ClaimGone, ItemNotOpen
from pollserver.domain.phases import CLOSED, NOT_OPEN, phase_of
from pollserver.domain.records import Item
from pollserver.domain.specs import ClaimSpec
from pollserver.errors import RateLimited
from pollserver.store.base import Store

__all__ = ["Claimed", "claim", "stock"]

#: What a refused per-address claim waits before trying again (seconds): the limit is daily.
RETRY_AFTER = 3600


@dataclass(frozen=True)
class Claimed:
    """The reader holds ``code`` (``first``: it was handed out by this request)."""

    claim_id: str
    voter: str
    code: str
    first: bool


def stock(store: Store, pool: str) -> tuple[int, int]:
    """Return ``(codes left, codes loaded)`` of the pool."""
    total, claimed = store.pool_stats().get(pool, (0, 0))
    return total - claimed, total


def claim(store: Store, item: Item, spec: ClaimSpec, current: str | None,
          voter: VoterSource, *, at: datetime, reward: RewardGate = any_reward) -> Claimed:
    """Hand the reader a code from the offer's pool, or the one they already hold.

    ``current`` is the reader's voter id if they have one: a reader who holds a code gets it
    back even after the offer ended. Otherwise :class:`ClaimGone` when the offer ended or no
    code is left, so a refused claim never mints a voter cookie.
    """
    held = store.code_of(spec.pool, current) if current else None
    if held is not None and current is not None:
        return Claimed(spec.id, current, held, first=False)
    state = phase_of(item, spec, at)
    if state == NOT_OPEN:
        raise ItemNotOpen("This offer has not started yet.")
    if state == CLOSED:
        raise ClaimGone("This offer has ended.")
    left, total = stock(store, spec.pool)
    if left <= 0:
        raise ClaimGone("All the codes of this offer have been claimed.")
    who = voter()
    if not reward(store, spec.pool, who):
        raise RateLimited("One code per connection a day: this connection has had its code.",
                          RETRY_AFTER)
    written = [events.claim_made(spec.id, spec.pool, at=at)]
    if pool_falls_low(total, total - left):
        written.append(events.pool_low(spec.pool, left - 1, total, at=at))
    code = store.emit(*written).claim_code(spec.pool, who, at=at)
    if code is None:  # parallel claimers took the last codes since we looked
        raise ClaimGone("All the codes of this offer have been claimed.")
    return Claimed(spec.id, who, code, first=True)
