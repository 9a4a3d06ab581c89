"""The champion methods of the memory and TinyDB stores: state-machine operations."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.store.champions import Champions
from pollserver.store.state_champions import champion_doc, rule_doc

if TYPE_CHECKING:
    from pollserver.store.state import State

__all__ = ["MemoryChampions"]


class MemoryChampions(Champions):
    """Champion operations on top of ``commit`` and ``reading`` (see ``memory.py``)."""

    if TYPE_CHECKING:
        def commit(self, op: dict[str, Any]) -> Any: ...
        def reading(self) -> AbstractContextManager[State]: ...

    def grant_champion(self, grant: Champion) -> Champion:
        return self.commit({"op": "champion-grant", "grant": champion_doc(grant)})

    def revoke_champion(self, voter_id: str) -> bool:
        return bool(self.commit({"op": "champion-revoke", "voter": voter_id}))

    def is_champion(self, voter_id: str) -> bool:
        with self.reading() as state:
            return voter_id in state.champions

    def list_champions(self) -> list[Champion]:
        with self.reading() as state:
            return list(state.champions.values())

    def set_profile_rule(self, rule: ProfileRule) -> ProfileRule | None:
        return self.commit({"op": "profile-rule", "rule": rule_doc(rule)})

    def profile_rules(self) -> dict[str, ProfileRule]:
        with self.reading() as state:
            return dict(state.profile_rules)
