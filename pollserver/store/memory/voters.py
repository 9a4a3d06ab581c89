"""The memory store's voter calls (``store/base.py``, voters): everything about one voter id,
and erasing it (the rules are ``erasure.py``'s). Bound by ``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pollserver.domain.voters import erase_hash

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["erase_voter", "voter_data"]


def voter_data(store: MemoryStore, voter_id: str) -> dict[str, Any]:
    with store.reading() as state:
        return state.voter_data(voter_id)


def erase_voter(store: MemoryStore, voter_id: str, *, withdraw_polls: Iterable[str],
                withdraw_jams: Iterable[str]) -> dict[str, int]:
    salt = secrets.token_hex(16)
    counts = store.commit({"op": "erase", "salt": salt, "voter_hash": erase_hash(salt, voter_id),
                           "polls": list(withdraw_polls), "jams": list(withdraw_jams)})
    store.engine.compact()  # older files must not keep what was just erased
    return counts
