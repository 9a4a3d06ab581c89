"""The state machine's share of verified customers: marks, snapshot table, loading.

Mixed into :class:`pollserver.store.memory.state.State`; ``erasure.erase`` drops the erased
voter's mark in the same operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["CustomerState", "customer_tables", "is_verified", "load_customers",
           "mark_verified", "verified_voters"]


class CustomerState:
    """Verified voters: voter id -> (keyed hash of the customer id, ISO time)."""

    customers: dict[str, tuple[str, str]]

    def init_customers(self) -> None:
        """Start with nobody verified (called from ``State.__init__``)."""
        self.customers = {}

    def _op_verify(self, op: dict[str, Any]) -> None:
        self.customers[op["voter"]] = (op["hash"], op["at"])


def customer_tables(state: CustomerState) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield the snapshot table ``customers``."""
    yield "customers", ({"voter": v, "hash": h, "at": at}
                        for v, (h, at) in state.customers.items())


def load_customers(state: CustomerState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill the marks from a snapshot (the table is missing in older ones)."""
    for doc in tables.get("customers", {}).values():
        state.customers[doc["voter"]] = (doc["hash"], doc["at"])


# -- the store's calls (bound by MemoryStore, like items.py) -------------------------------


def mark_verified(store: MemoryStore, voter_id: str, customer_hash: str, at: datetime) -> None:
    store.commit({"op": "verify", "voter": voter_id, "hash": customer_hash,
                  "at": at.isoformat()})


def is_verified(store: MemoryStore, voter_id: str) -> bool:
    with store.reading() as state:
        return voter_id in state.customers


def verified_voters(store: MemoryStore) -> frozenset[str]:
    with store.reading() as state:
        return frozenset(state.customers)


def verified_poll_voters(store: MemoryStore, poll_id: str) -> int:
    with store.reading() as state:
        return sum(1 for voter in state.votes.get(poll_id, {}) if voter in state.customers)
