"""Who acts: the voter id, asked for only once the input is valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pollserver.store.base import Store

__all__ = ["RewardGate", "VoterSource", "any_reward"]

#: Returns the acting voter's id, issuing a new receipt if the reader has none. Actions call
#: it only after the request passed every check, so a refused request issues no receipt.
VoterSource = Callable[[], str]

#: ``gate(store, pool, voter)`` tells whether the voter may be given a code from ``pool`` now
#: (the web layer limits codes per client address as well as per voter).
RewardGate = Callable[["Store", str, str], bool]


def any_reward(store: Store, pool: str, voter: str) -> bool:
    """The gate that lets every voter have a code (one each, kept by the store)."""
    return True
