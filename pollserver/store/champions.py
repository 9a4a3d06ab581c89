"""The champions part of the ``Store`` interface: grants by voter id, and profile rules.

A grant is keyed by voter id (one per voter; granting again replaces the idea and editor it
names). Erasing a voter removes their grant in the same step as the rest of the erase.
Profile rules are keyed by slug: setting neither ``hidden`` nor ``merged_into`` removes it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from pollserver.domain.champions import Champion, ProfileRule

__all__ = ["Champions"]


class Champions(ABC):
    """Champion grants and profile rules; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def grant_champion(self, grant: Champion) -> Champion:
        """Make the grant's voter a champion (replacing an earlier grant of theirs)."""

    @abstractmethod
    def revoke_champion(self, voter_id: str) -> bool:
        """Remove the voter's grant; ``False`` if they had none."""

    @abstractmethod
    def is_champion(self, voter_id: str) -> bool:
        """Whether the voter holds a grant (the preview check, on every preview request)."""

    @abstractmethod
    def list_champions(self) -> list[Champion]:
        """Return every grant, oldest first."""

    @abstractmethod
    def set_profile_rule(self, rule: ProfileRule) -> ProfileRule | None:
        """Store the rule of ``rule.slug``; one neither hidden nor merged removes it (``None``)."""

    @abstractmethod
    def profile_rules(self) -> dict[str, ProfileRule]:
        """Return every profile rule by slug."""
