"""The outbox methods of the PostgreSQL store (the SQL is in ``pg/outbox.py``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pollserver.domain.outbox import Delivery, Event, Follow
from pollserver.store.outbox import Outbox
from pollserver.store.postgres import outbox as sql

__all__ = ["PostgresOutbox"]

T = TypeVar("T")


def _no_change(conn: Any) -> None:
    """The step of ``add_events``: its events are all it writes."""


class PostgresOutbox(Outbox):
    """Outbox operations, each one pooled step (see ``PostgresStore._run``)."""

    if TYPE_CHECKING:
        def _run(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def list_events(self, *, subjects: Collection[str] | None = None, voter: str | None = None,
                    after: datetime | None = None, types: Collection[str] | None = None,
                    limit: int = 100) -> list[Event]:
        return self._run(sql.list_events, None if subjects is None else sorted(subjects),
                         voter, after, None if types is None else sorted(types), limit)

    def add_events(self) -> None:
        self._run(_no_change)

    def request_follow(self, follow: Follow, event: dict[str, Any]) -> None:
        self._run(sql.request_follow, follow, event)

    def get_follow(self, follow_id: str) -> Follow | None:
        return self._run(sql.get_follow, follow_id)

    def confirm_follow(self, follow_id: str, *, at: datetime) -> Follow:
        return self._run(sql.confirm_follow, follow_id, at)

    def unsubscribe(self, follow_id: str) -> int:
        return self._run(sql.unsubscribe, follow_id)

    def erase_follows(self, voter_id: str) -> int:
        return self._run(sql.erase_follows, voter_id)

    def purge_follows(self, now: datetime) -> int:
        return self._run(sql.purge_follows, now)

    def follower_counts(self) -> dict[str, int]:
        return self._run(sql.follower_counts)

    def feed_token(self, voter_id: str, token: str) -> str:
        return self._run(sql.feed_token, voter_id, token)

    def feed_voter(self, token: str) -> str | None:
        return self._run(sql.feed_voter, token)

    def claim_deliveries(self, consumer: str, *, now: datetime, lease: timedelta, claim: str,
                         limit: int = 20, created_before: datetime | None = None
                         ) -> list[Delivery]:
        return self._run(sql.claim_deliveries, consumer, now, lease, claim, limit,
                         created_before)

    def finish_delivery(self, delivery_id: str, claim: str, *, at: datetime,
                        error: str | None = None, retry_at: datetime | None = None) -> bool:
        return self._run(sql.finish_delivery, delivery_id, claim, at, error, retry_at)

    def list_deliveries(self, consumer: str | None = None, *, limit: int = 200
                        ) -> list[Delivery]:
        return self._run(sql.list_deliveries, consumer, limit)
