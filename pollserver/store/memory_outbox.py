"""The outbox methods of the memory and TinyDB stores: state-machine operations.

Reads hold the store's lock over a consistent view (TinyDB catches up first); writes are
operations, so TinyDB journals them like any other change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pollserver.domain.outbox import Delivery, Event, Follow
from pollserver.store.outbox import Outbox

if TYPE_CHECKING:
    from pollserver.store.state import State

__all__ = ["MemoryOutbox"]


class MemoryOutbox(Outbox):
    """Outbox operations on top of ``commit`` and ``reading`` (see ``memory.py``)."""

    if TYPE_CHECKING:
        def commit(self, op: dict[str, Any]) -> Any: ...
        def reading(self) -> AbstractContextManager[State]: ...

    def list_events(self, *, subjects: Collection[str] | None = None, voter: str | None = None,
                    after: datetime | None = None, types: Collection[str] | None = None,
                    limit: int = 100) -> list[Event]:
        with self.reading() as state:
            return state.list_events(None if subjects is None else set(subjects), voter,
                                     after, None if types is None else set(types), limit)

    def add_events(self) -> None:
        self.commit({"op": "events"})

    def request_follow(self, follow: Follow, event: dict[str, Any]) -> None:
        self.commit({"op": "follow-request", "id": follow.id, "kind": follow.kind,
                     "item": follow.item, "jam": follow.jam, "email": follow.email,
                     "voter": follow.voter_id, "at": follow.created_at.isoformat(),
                     "request": [event]})

    def get_follow(self, follow_id: str) -> Follow | None:
        with self.reading() as state:
            return state.follows.get(follow_id)

    def confirm_follow(self, follow_id: str, *, at: datetime) -> Follow:
        return self.commit({"op": "follow-confirm", "id": follow_id, "at": at.isoformat()})

    def unsubscribe(self, follow_id: str) -> int:
        return self.commit({"op": "unsubscribe", "id": follow_id})

    def erase_follows(self, voter_id: str) -> int:
        return self.commit({"op": "follow-erase", "voter": voter_id})

    def purge_follows(self, now: datetime) -> int:
        with self.reading() as state:
            if not any(f.expired(now) for f in state.follows.values()):
                return 0  # the usual case needs no journal line
        return self.commit({"op": "follow-purge", "at": now.isoformat()})

    def follower_counts(self) -> dict[str, int]:
        with self.reading() as state:
            counts: dict[str, int] = {}
            for follow in state.follows.values():
                if follow.confirmed_at is not None:
                    counts[follow.subject] = counts.get(follow.subject, 0) + 1
            return dict(sorted(counts.items()))

    def feed_token(self, voter_id: str, token: str) -> str:
        with self.reading() as state:
            for known, voter in state.feed_tokens.items():
                if voter == voter_id:
                    return known
        return self.commit({"op": "feed-token", "voter": voter_id, "token": token})

    def feed_voter(self, token: str) -> str | None:
        with self.reading() as state:
            return state.feed_tokens.get(token)

    def claim_deliveries(self, consumer: str, *, now: datetime, lease: timedelta, claim: str,
                         limit: int = 20, created_before: datetime | None = None
                         ) -> list[Delivery]:
        with self.reading() as state:
            if not _any_due(state, consumer, now, created_before):
                return []  # an idle sender polls often: no journal line for nothing
        return self.commit({"op": "delivery-claim", "consumer": consumer,
                            "at": now.isoformat(), "until": (now + lease).isoformat(),
                            "claim": claim, "limit": limit,
                            "before": created_before.isoformat() if created_before else None})

    def finish_delivery(self, delivery_id: str, claim: str, *, at: datetime,
                        error: str | None = None, retry_at: datetime | None = None) -> bool:
        return self.commit({"op": "delivery-finish", "id": delivery_id, "claim": claim,
                            "at": at.isoformat(), "error": error,
                            "retry": retry_at.isoformat() if retry_at else None})

    def list_deliveries(self, consumer: str | None = None, *, limit: int = 200
                        ) -> list[Delivery]:
        with self.reading() as state:
            rows = (d for d in reversed(state.deliveries.values())
                    if consumer in (None, d.consumer))
            return [replace(d, event=state.events.get(d.event_id))
                    for d, _ in zip(rows, range(limit), strict=False)]


def _due(state: State, consumer: str, now: datetime, before: datetime | None
         ) -> Iterator[Delivery]:
    for delivery_id in state.open_deliveries:
        delivery = state.deliveries[delivery_id]
        if delivery.consumer == consumer and delivery.next_attempt <= now and (
                before is None or delivery.created_at < before):
            yield delivery


def _any_due(state: State, consumer: str, now: datetime, before: datetime | None) -> bool:
    return next(_due(state, consumer, now, before), None) is not None
