"""The champion methods of the PostgreSQL store (the SQL is in ``pg/champions.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.store.champions import Champions
from pollserver.store.postgres import champions as sql

__all__ = ["PostgresChampions"]

T = TypeVar("T")


class PostgresChampions(Champions):
    """Champion operations, each one pooled step (see ``PostgresStore._run``)."""

    if TYPE_CHECKING:
        def _run(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def grant_champion(self, grant: Champion) -> Champion:
        return self._run(sql.grant_champion, grant)

    def revoke_champion(self, voter_id: str) -> bool:
        return self._run(sql.revoke_champion, voter_id)

    def is_champion(self, voter_id: str) -> bool:
        return self._run(sql.is_champion, voter_id)

    def list_champions(self) -> list[Champion]:
        return self._run(sql.list_champions)

    def set_profile_rule(self, rule: ProfileRule) -> ProfileRule | None:
        return self._run(sql.set_profile_rule, rule)

    def profile_rules(self) -> dict[str, ProfileRule]:
        return self._run(sql.profile_rules)
