"""Rewards for sharing: a reader's share token, and crediting the sharer for a newcomer.

Called by the web layer: :func:`my_token` when a reader who has taken part asks for their
share links, :func:`credit_newcomer` after a newcomer's first write (the request that minted
their voter id) carried a ``via`` token, and :func:`credit_follow` when a follow asked for
as such a first write is confirmed. See ``domain/shares.py`` for the rules.
"""

from __future__ import annotations

from datetime import datetime

from pollserver.actions.rewards import claim_reward
from pollserver.domain.errors import DomainError
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.outbox import Follow
from pollserver.domain.shares import ShareCredit, new_share_token, parse_via
from pollserver.store.base import Store

__all__ = ["credit_follow", "credit_newcomer", "keep_via", "my_token", "share_pool"]


def my_token(store: Store, voter: str, *, client: str) -> str:
    """Return the voter's share token (made on first use), noting their client hash now."""
    return store.share_token(voter, token=new_share_token(), client=client)


def share_pool(store: Store, kind: str, item_id: str) -> str | None:
    """The ``share_reward`` pool of a poll, jam or survey block (``None`` when it has none)."""
    item = store.get_item(kind, item_id)
    if item is None:
        return None
    try:
        spec = spec_from_manifest(item.kind, item.spec)
    except DomainError:
        return None
    pool = getattr(spec, "share_reward", None)
    return pool if isinstance(pool, str) and pool else None


def _sharer(store: Store, via: object, newcomer: str, client: str) -> str | None:
    """The sharer ``via`` names, unless it is the newcomer or on the newcomer's client."""
    token = parse_via(via)
    found = store.sharer_of(token) if token else None
    if found is None:
        return None
    sharer, sharer_client = found
    if sharer == newcomer or (sharer_client and sharer_client == client):
        return None
    return sharer


def credit_newcomer(store: Store, via: object, newcomer: str, *, client: str, at: datetime,
                    pool: str | None, cap: int) -> ShareCredit | None:
    """Credit the sharer of ``via`` for ``newcomer``; ``None`` when nothing is credited.

    Nothing for an unknown or malformed token, for the sharer themselves, or for a newcomer
    on the sharer's own client (same keyed client hash: their second browser). ``pool`` is
    the block's ``share_reward``: a rewarded credit (within ``cap`` a day) claims the sharer
    a code from it (one per person and pool, like every reward).
    """
    sharer = _sharer(store, via, newcomer, client)
    if sharer is None:
        return None
    credit = store.credit_share(sharer, newcomer, at=at, reward_cap=cap if pool else 0)
    if credit is not None and credit.rewarded and pool:
        claim_reward(store, pool, sharer, at=at)
    return credit


def keep_via(store: Store, via: object, newcomer: str, *, client: str) -> str | None:
    """The token to keep with a follow asked for as a newcomer's first write (credited
    only when it is confirmed), or ``None``: unknown, the sharer's own, or malformed."""
    token = parse_via(via)
    return token if token and _sharer(store, token, newcomer, client) else None


def credit_follow(store: Store, follow: Follow, via: object, *, client: str, at: datetime,
                  cap: int) -> ShareCredit | None:
    """Credit the sharer when a follow that kept ``via`` is confirmed (``client``: the
    confirming request's, so the sharer confirming from their own browser earns nothing)."""
    if not via or follow.voter_id is None:
        return None
    kind, item = ("jam", follow.jam or "") if follow.kind == "idea" else (follow.kind, follow.item)
    return credit_newcomer(store, via, follow.voter_id, client=client, at=at,
                           pool=share_pool(store, kind, item), cap=cap)
