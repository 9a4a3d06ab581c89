"""The shares part of the ``Store`` interface: share tokens by voter, credits by newcomer.

A voter has at most one token; a newcomer is credited to at most one sharer, once (the
store enforces both, so two first writes at once cannot credit twice). Erasing a voter
removes their token, the credits they earned and the credit naming them as a newcomer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from pollserver.domain.shares import ShareCredit

__all__ = ["Shares"]


class Shares(ABC):
    """Share tokens and credits; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def share_token(self, voter_id: str, *, token: str, client: str) -> str:
        """Return the voter's token (keeping ``token`` as it if they have none) and remember
        ``client``, their keyed client hash now, as the sharer's own."""

    @abstractmethod
    def sharer_of(self, token: str) -> tuple[str, str] | None:
        """Return ``(voter id, client hash)`` of the token's sharer, or ``None``."""

    @abstractmethod
    def credit_share(self, sharer: str, newcomer: str, *, at: datetime,
                     reward_cap: int) -> ShareCredit | None:
        """Credit ``sharer`` for ``newcomer`` unless the newcomer was credited before
        (``None``). The credit is ``rewarded`` when the sharer had fewer than ``reward_cap``
        rewarded credits on ``at``'s day: the check and the write are one step."""

    @abstractmethod
    def friends_brought(self, voter_id: str) -> int:
        """Return how many newcomers this voter was credited for."""

    @abstractmethod
    def erase_shares(self, voter_id: str) -> int:
        """Remove the voter's token and every credit naming them; return how many rows."""
