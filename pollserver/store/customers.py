"""The verified-customers part of the ``Store`` interface.

A voter is *verified* when the brand's own site vouched for them with a signed token
(``POST /api/verify``). The store keeps only a keyed hash of the brand's customer id (never
the id itself); erasing the voter removes the mark with everything else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

__all__ = ["Customers"]


class Customers(ABC):
    """Verified voters; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def mark_verified(self, voter_id: str, customer_hash: str, at: datetime) -> None:
        """Mark the voter as a verified customer (again: the newest hash and time win)."""

    @abstractmethod
    def is_verified(self, voter_id: str) -> bool:
        """Whether the voter is a verified customer."""

    @abstractmethod
    def verified_voters(self) -> frozenset[str]:
        """Every verified voter id (for counting verified votes apart)."""

    @abstractmethod
    def verified_poll_voters(self, poll_id: str) -> int:
        """How many of the poll's voters are verified customers (``verified: badge``)."""
