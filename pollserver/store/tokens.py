"""The API tokens part of the ``Store`` interface: named editor tokens, kept by hash.

Names are unique (adding a taken name is a ``Conflict``); revoking deletes the token, so a
revoked token is simply unknown. ``find_token`` runs on every bearer request: one keyed
lookup in every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from pollserver.domain.tokens import ApiToken

__all__ = ["Tokens"]


class Tokens(ABC):
    """Editor API tokens; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def add_token(self, token: ApiToken) -> ApiToken:
        """Store a new token; raise ``Conflict`` when its name is taken."""

    @abstractmethod
    def list_tokens(self) -> list[ApiToken]:
        """Return every live token, oldest first."""

    @abstractmethod
    def revoke_token(self, name: str) -> bool:
        """Delete the named token; ``False`` if there was none."""

    @abstractmethod
    def find_token(self, token_hash: str) -> ApiToken | None:
        """Return the token with this hash, or ``None`` (unknown or revoked)."""
