"""The outbox part of the ``Store`` interface: events, followers, deliveries, feed tokens.

An event is never written on its own: ``store.emit(event, ...).update_idea(...)`` hands the
events to exactly that one change, and the backend writes them in the same step (one state
machine operation, one journal line, one PostgreSQL transaction). If the change is refused
the events are not written; if it happened they are, even if the process dies right after.

Consumers drain deliveries with ``claim_deliveries`` (a lease: a claimed row is hidden from
other senders until ``next_attempt``; on PostgreSQL the claim itself uses ``SKIP LOCKED``)
and ``finish_delivery``. A sender killed between sending and finishing lets its lease run
out; the row is then claimed again and sent once more with the same Message-ID.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from pollserver.domain.outbox import Delivery, Event, Follow

__all__ = ["Outbox"]


class _Emitting:
    """What ``store.emit(...)`` returns: the store, with events for its next call only."""

    def __init__(self, store: Outbox, events: list[dict[str, Any]]) -> None:
        self._store = store
        self._events = events

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            local = self._store._emit_local
            local.events = self._events
            try:
                return method(*args, **kwargs)
            finally:
                local.events = None

        return call


class Outbox(ABC):
    """Durable events and their deliveries; mixed into :class:`~pollserver.store.base.Store`."""

    _emit_local = threading.local()

    def emit(self, *events: dict[str, Any]) -> Any:
        """Return the store such that its next method call also writes ``events``.

        Events come from :func:`pollserver.domain.outbox.new_event`. Only a call that
        changes something writes them (a read, or a claim answered without a write, drops
        them).
        """
        return _Emitting(self, list(events))

    def take_events(self) -> list[dict[str, Any]]:
        """Return (and forget) the events handed to the call in progress on this thread."""
        events = getattr(self._emit_local, "events", None)
        self._emit_local.events = None
        return list(events or ())

    def with_events(self, op: dict[str, Any]) -> dict[str, Any]:
        """Return the state-machine ``op`` carrying this call's events (if it has any)."""
        events = self.take_events()
        return dict(op, events=events) if events else op

    # -- events ------------------------------------------------------------------------

    @abstractmethod
    def list_events(self, *, subjects: Collection[str] | None = None, voter: str | None = None,
                    after: datetime | None = None, types: Collection[str] | None = None,
                    limit: int = 100) -> list[Event]:
        """Return events newest first: all of them, or those concerning any of ``subjects``
        or meant for ``voter``; only those after ``after`` and of ``types`` when given."""

    @abstractmethod
    def add_events(self) -> None:
        """Write only the events handed over by ``emit`` (``store.emit(e).add_events()``).

        For events that no other change carries: something that happened because time passed
        (a poll reaching its ``closes`` date). An event whose id is already stored is skipped,
        so writing the same id twice (from two processes) leaves one event."""

    # -- followers ---------------------------------------------------------------------

    @abstractmethod
    def request_follow(self, follow: Follow, event: dict[str, Any]) -> None:
        """Store an unconfirmed follow and its ``follow.requested`` event, with one delivery
        (the confirmation mail) to the follow's address."""

    @abstractmethod
    def get_follow(self, follow_id: str) -> Follow | None:
        """Return the follow (confirmed or not, expired included), or ``None``."""

    def follow_addresses(self, voter_id: str) -> set[str]:
        """Return the addresses the voter gave to follow things (so an erase can find the
        mail written to them). Not abstract; every backend implements it."""
        raise NotImplementedError

    @abstractmethod
    def confirm_follow(self, follow_id: str, *, at: datetime) -> Follow:
        """Confirm a request (idempotent); raise ``Gone`` when unknown or expired."""

    @abstractmethod
    def unsubscribe(self, follow_id: str) -> int:
        """Remove every follow of this follow's address and its undelivered mail; return how
        many follows went. Raise ``Gone`` when the follow is unknown."""

    @abstractmethod
    def erase_follows(self, voter_id: str) -> int:
        """Remove the voter's follows (their addresses), their undelivered mail and feed
        token; return how many follows went."""

    @abstractmethod
    def purge_follows(self, now: datetime) -> int:
        """Delete unconfirmed requests past their window; return how many."""

    @abstractmethod
    def follower_counts(self) -> dict[str, int]:
        """Return ``{subject: confirmed followers}`` for every followed subject."""

    @abstractmethod
    def followed_by(self, voter_id: str) -> set[str]:
        """Return the subjects (``idea:12``, ``jam:j``) this voter asked to follow, confirmed
        or not: their private feed holds them too."""

    # -- feeds -------------------------------------------------------------------------

    @abstractmethod
    def feed_token(self, voter_id: str, token: str) -> str:
        """Return the voter's feed token, storing ``token`` if the voter has none yet."""

    @abstractmethod
    def feed_voter(self, token: str) -> str | None:
        """Return the voter a feed token belongs to."""

    # -- deliveries --------------------------------------------------------------------

    @abstractmethod
    def claim_deliveries(self, consumer: str, *, now: datetime, lease: timedelta, claim: str,
                         limit: int = 20, created_before: datetime | None = None
                         ) -> list[Delivery]:
        """Claim up to ``limit`` due deliveries of ``consumer`` (oldest first) for ``lease``:
        each is marked with ``claim``, its attempts counted, and hidden until ``now +
        lease``. Returned with their events. No two callers ever get the same row at once."""

    @abstractmethod
    def finish_delivery(self, delivery_id: str, claim: str, *, at: datetime,
                        error: str | None = None, retry_at: datetime | None = None) -> bool:
        """Record an attempt: sent (no ``error``), try again at ``retry_at``, or failed for
        good (``error`` and no ``retry_at``). Sent and failed rows drop their address.
        Returns false (and changes nothing) when ``claim`` no longer holds the row."""

    @abstractmethod
    def list_deliveries(self, consumer: str | None = None, *, limit: int = 200
                        ) -> list[Delivery]:
        """Return deliveries newest first, with their events (for the admin)."""
