"""The memory store's reward calls (``store/base.py``, rewards): code pools, one code per voter
and pool. Bound by ``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["add_codes", "claim_code", "code_of", "pool_stats", "revoke_codes"]


def add_codes(store: MemoryStore, pool: str, codes: Iterable[str]) -> int:
    return store.commit({"op": "codes", "pool": pool, "codes": [c.strip() for c in codes]})


def claim_code(store: MemoryStore, pool: str, voter_id: str, *, at: datetime) -> str | None:
    with store.reading() as state:  # the common case, a repeat visit, needs no write
        held = state.claims.get(pool, {}).get(voter_id)
        if held is not None:
            return held
    return store.commit({"op": "claim", "pool": pool, "voter": voter_id, "at": at.isoformat()})


def code_of(store: MemoryStore, pool: str, voter_id: str) -> str | None:
    with store.reading() as state:
        return state.claims.get(pool, {}).get(voter_id)


def pool_stats(store: MemoryStore) -> dict[str, tuple[int, int]]:
    with store.reading() as state:
        # A pool with no codes at all is not listed: a snapshot keeps codes, not names.
        return {pool: (len(codes), len(state.claims.get(pool, {})))
                for pool, codes in sorted(state.pools.items()) if codes}


def revoke_codes(store: MemoryStore, pool: str) -> int:
    return store.commit({"op": "revoke", "pool": pool})
