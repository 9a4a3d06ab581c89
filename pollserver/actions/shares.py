"""Rewards for sharing: a reader's share token, and crediting the sharer for a newcomer.

Called by the web layer: :func:`my_token` when a reader who has taken part asks for their
share links, :func:`credit_newcomer` after a newcomer's first write (the request that minted
their voter id) carried a ``via`` token. See ``domain/shares.py`` for the rules.
"""

from __future__ import annotations

from datetime import datetime

from pollserver.actions.rewards import claim_reward
from pollserver.domain.shares import ShareCredit, new_share_token, parse_via
from pollserver.store.base import Store

__all__ = ["credit_newcomer", "my_token"]


def my_token(store: Store, voter: str, *, client: str) -> str:
    """Return the voter's share token (made on first use), noting their client hash now."""
    return store.share_token(voter, token=new_share_token(), client=client)


def credit_newcomer(store: Store, via: object, newcomer: str, *, client: str, at: datetime,
                    pool: str | None, cap: int) -> ShareCredit | None:
    """Credit the sharer of ``via`` for ``newcomer``; ``None`` when nothing is credited.

    Nothing for an unknown or malformed token, for the sharer themselves, or for a newcomer
    on the sharer's own client (same keyed client hash: their second browser). ``pool`` is
    the block's ``share_reward``: a rewarded credit (within ``cap`` a day) claims the sharer
    a code from it (one per person and pool, like every reward).
    """
    token = parse_via(via)
    found = store.sharer_of(token) if token else None
    if found is None:
        return None
    sharer, sharer_client = found
    if sharer == newcomer or (sharer_client and sharer_client == client):
        return None
    credit = store.credit_share(sharer, newcomer, at=at, reward_cap=cap if pool else 0)
    if credit is not None and credit.rewarded and pool:
        claim_reward(store, pool, sharer, at=at)
    return credit
