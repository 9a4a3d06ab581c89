"""Hand a reader their reward code, and tell them (mail to their follows, their feed)."""

from __future__ import annotations

from datetime import datetime

from pollserver.domain import events
from pollserver.store.base import Store

__all__ = ["claim_reward"]


def claim_reward(store: Store, pool: str, voter: str, *, at: datetime) -> str | None:
    """Give the voter a code from ``pool`` (or the one they hold); ``None`` when empty.

    The ``reward.issued`` event is written with the claim, and only when a code was actually
    handed out for the first time (a repeat visit, or an empty pool, writes nothing).
    """
    if store.code_of(pool, voter) is not None:
        return store.claim_code(pool, voter, at=at)
    return store.emit(events.reward_issued(pool, voter, at=at)).claim_code(pool, voter, at=at)
