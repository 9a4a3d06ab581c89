"""Hand a reader their reward code, and tell them (mail to their follows, their feed)."""

from __future__ import annotations

from datetime import datetime

from pollserver.domain import events
from pollserver.store.base import Store

__all__ = ["claim_reward", "pool_falls_low"]


def claim_reward(store: Store, pool: str, voter: str, *, at: datetime) -> str | None:
    """Give the voter a code from ``pool`` (or the one they hold); ``None`` when empty.

    The ``reward.issued`` event is written with the claim, and only when a code was actually
    handed out for the first time (a repeat visit, or an empty pool, writes nothing).
    """
    if store.code_of(pool, voter) is not None:
        return store.claim_code(pool, voter, at=at)
    written = [events.reward_issued(pool, voter, at=at)]
    total, claimed = store.pool_stats().get(pool, (0, 0))
    if pool_falls_low(total, claimed):
        written.append(events.pool_low(pool, total - claimed - 1, total, at=at))
    return store.emit(*written).claim_code(pool, voter, at=at)


def pool_falls_low(total: int, claimed: int) -> bool:
    """Whether the next code handed out leaves the pool under 10 % for the first time.

    Two readers claiming the last codes at the same instant may both see it (a receiver then
    gets two ``reward.pool_low`` events) or, rarely, neither; the dashboard's counts stay exact.
    """
    return total > 0 and (total - claimed) * 10 >= total > (total - claimed - 1) * 10
