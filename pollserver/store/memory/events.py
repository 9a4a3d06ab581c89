"""The memory store's outbox calls (``store/outbox.py``): events, and what hangs off them:
follows, feed tokens and deliveries.

The outbox's half of the state machine (the operations these calls commit, and its snapshot
tables) is ``outbox.py``; these calls are apart from it to keep each module to one job. Bound
by ``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pollserver.domain.outbox import Delivery, Event, Follow

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["add_events", "claim_deliveries", "confirm_follow", "erase_follows", "feed_token",
           "feed_voter", "finish_delivery", "follow_addresses", "follower_counts", "followed_by",
           "get_follow", "list_deliveries", "list_events", "purge_follows", "request_follow",
           "unsubscribe"]



def list_events(store: MemoryStore, *, subjects: Collection[str] | None = None,
                voter: str | None = None, after: datetime | None = None,
                types: Collection[str] | None = None, limit: int = 100) -> list[Event]:
    with store.reading() as state:
        return state.list_events(None if subjects is None else set(subjects), voter,
                                 after, None if types is None else set(types), limit)


def add_events(store: MemoryStore) -> None:
    store.commit({"op": "events"})


def request_follow(store: MemoryStore, follow: Follow, event: dict[str, Any]) -> None:
    store.commit({"op": "follow-request", "id": follow.id, "kind": follow.kind,
                  "item": follow.item, "jam": follow.jam, "email": follow.email,
                  "voter": follow.voter_id, "at": follow.created_at.isoformat(),
                  "lang": follow.lang, "request": [event]})


def get_follow(store: MemoryStore, follow_id: str) -> Follow | None:
    with store.reading() as state:
        return state.follows.get(follow_id)


def follow_addresses(store: MemoryStore, voter_id: str) -> set[str]:
    with store.reading() as state:
        return {f.email for f in state.follows.values() if f.voter_id == voter_id}


def confirm_follow(store: MemoryStore, follow_id: str, *, at: datetime) -> Follow:
    return store.commit({"op": "follow-confirm", "id": follow_id, "at": at.isoformat()})


def unsubscribe(store: MemoryStore, follow_id: str) -> int:
    return store.commit({"op": "unsubscribe", "id": follow_id})


def erase_follows(store: MemoryStore, voter_id: str) -> int:
    return store.commit({"op": "follow-erase", "voter": voter_id})


def purge_follows(store: MemoryStore, now: datetime) -> int:
    with store.reading() as state:
        if not any(f.expired(now) for f in state.follows.values()):
            return 0  # the usual case needs no journal line
    return store.commit({"op": "follow-purge", "at": now.isoformat()})


def follower_counts(store: MemoryStore) -> dict[str, int]:
    with store.reading() as state:
        counts: dict[str, int] = {}
        for follow in state.follows.values():
            if follow.confirmed_at is not None:
                counts[follow.subject] = counts.get(follow.subject, 0) + 1
        return dict(sorted(counts.items()))


def followed_by(store: MemoryStore, voter_id: str) -> set[str]:
    with store.reading() as state:
        return {f.subject for f in state.follows.values() if f.voter_id == voter_id}


def feed_token(store: MemoryStore, voter_id: str, token: str) -> str:
    with store.reading() as state:
        for known, voter in state.feed_tokens.items():
            if voter == voter_id:
                return known
    return store.commit({"op": "feed-token", "voter": voter_id, "token": token})


def feed_voter(store: MemoryStore, token: str) -> str | None:
    with store.reading() as state:
        return state.feed_tokens.get(token)


def claim_deliveries(store: MemoryStore, consumer: str, *, now: datetime, lease: timedelta,
                     claim: str, limit: int = 20, created_before: datetime | None = None
                     ) -> list[Delivery]:
    with store.reading() as state:
        if not state.any_due(consumer, now, created_before):
            return []  # an idle sender polls often: no journal line for nothing
    return store.commit({"op": "delivery-claim", "consumer": consumer,
                         "at": now.isoformat(), "until": (now + lease).isoformat(),
                         "claim": claim, "limit": limit,
                         "before": created_before.isoformat() if created_before else None})


def finish_delivery(store: MemoryStore, delivery_id: str, claim: str, *, at: datetime,
                    error: str | None = None, retry_at: datetime | None = None) -> bool:
    return store.commit({"op": "delivery-finish", "id": delivery_id, "claim": claim,
                         "at": at.isoformat(), "error": error,
                         "retry": retry_at.isoformat() if retry_at else None})


def list_deliveries(store: MemoryStore, consumer: str | None = None, *, limit: int = 200
                    ) -> list[Delivery]:
    with store.reading() as state:
        rows = (d for d in reversed(state.deliveries.values())
                if consumer in (None, d.consumer))
        return [replace(d, event=state.events.get(d.event_id))
                for d, _ in zip(rows, range(limit), strict=False)]
