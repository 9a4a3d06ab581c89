"""The outbox half of the state machine: events, follows, deliveries and feed tokens.

Mixed into :class:`pollserver.store.memory.state.State`. Like every other operation these are
deterministic (ids, claims and times come from the operation), so the TinyDB journal replays
them to the same state. An operation that carries ``"events"`` gets them recorded by
:meth:`OutboxState.record_events` after it succeeded, in the same ``apply`` call: one journal
line holds the change and its events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from pollserver.domain.errors import Gone
from pollserver.domain.events import MAIL_EVENTS
from pollserver.domain.outbox import (
    CONFIRM,
    MAIL,
    Delivery,
    Event,
    Follow,
    complete_event,
    event_from,
)

__all__ = ["OutboxState", "load_outbox", "outbox_tables"]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class OutboxState:
    """Outbox tables of the in-memory state."""

    def init_outbox(self) -> None:
        """Create the empty tables (called from ``State.__init__``)."""
        self.events: dict[str, Event] = {}  # insertion order is event order
        self.follows: dict[str, Follow] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.open_deliveries: set[str] = set()  # pending ones, so claims need not scan all
        self.delivery_keys: set[tuple[str, str, str]] = set()  # (event, consumer, recipient)
        self.delivery_seq = 0
        self.feed_tokens: dict[str, str] = {}  # token -> voter

    # -- events ------------------------------------------------------------------------

    def record_events(self, raw_events: list[dict[str, Any]], result: Any) -> None:
        """Record the events of an operation that succeeded, and fan each out to followers."""
        for raw in raw_events:
            done = complete_event(raw, result)
            if done is None or done["id"] in self.events:
                continue
            event = event_from(done)
            self.events[event.id] = event
            self.fan_out(event)

    def fan_out(self, event: Event) -> None:
        """Queue a new event for its consumers: here mail to followers (subclasses add
        their own consumers, calling this first)."""
        if event.notify and event.type in MAIL_EVENTS:
            for follow in self.recipients(event):
                self.add_delivery(event, follow.id, follow.email)

    def recipients(self, event: Event) -> list[Follow]:
        """Return one confirmed follow per address that hears of ``event`` (the oldest)."""
        chosen: dict[str, Follow] = {}
        matches = sorted((f for f in self.follows.values() if f.confirmed_at is not None and (
            f.subject in event.subjects or (event.voter and f.voter_id == event.voter))),
            key=lambda f: (f.created_at, f.id))
        for follow in matches:
            chosen.setdefault(follow.email.lower(), follow)
        return list(chosen.values())

    def add_delivery(self, event: Event, recipient: str, address: str | None,
                     consumer: str = MAIL) -> None:
        """Queue ``event`` for one recipient of a consumer (once per triple)."""
        key = (event.id, consumer, recipient)
        if key in self.delivery_keys:
            return
        self.delivery_keys.add(key)
        self.delivery_seq += 1
        delivery = Delivery(id=str(self.delivery_seq), event_id=event.id, consumer=consumer,
                            recipient=recipient, address=address, status="pending",
                            attempts=0, next_attempt=event.created_at,
                            created_at=event.created_at)
        self.deliveries[delivery.id] = delivery
        self.open_deliveries.add(delivery.id)

    def list_events(self, subjects: set[str] | None, voter: str | None,
                    after: datetime | None, types: set[str] | None, limit: int) -> list[Event]:
        """Newest first, filtered as ``Store.list_events`` describes."""
        found = []
        for event in reversed(self.events.values()):
            if after is not None and event.created_at <= after:
                continue
            if types is not None and event.type not in types:
                continue
            if subjects is not None or voter is not None:
                mine = (subjects is not None and not subjects.isdisjoint(event.subjects)) or (
                    voter is not None and event.voter == voter)
                if not mine:
                    continue
            found.append(event)
            if len(found) >= limit:
                break
        return found

    # -- follows -----------------------------------------------------------------------

    def _op_events(self, op: dict[str, Any]) -> None:
        """Nothing but the operation's own events (recorded by ``apply``)."""

    def _op_follow_request(self, op: dict[str, Any]) -> None:
        follow = Follow(id=op["id"], kind=op["kind"], item=op["item"], jam=op["jam"],
                        email=op["email"], voter_id=op["voter"], created_at=_at(op["at"]),
                        lang=op.get("lang", ""))
        self.follows[follow.id] = follow
        for raw in op["request"]:
            event = event_from(raw)
            self.events[event.id] = event
            self.add_delivery(event, follow.id, follow.email, CONFIRM)

    def _op_follow_confirm(self, op: dict[str, Any]) -> Follow:
        follow = self.follows.get(op["id"])
        at = _at(op["at"])
        if follow is None or follow.expired(at):
            raise Gone("This link is unknown or has expired.")
        if follow.confirmed_at is None:
            follow = replace(follow, confirmed_at=at)
            self.follows[follow.id] = follow
        return follow

    def _drop_follows(self, gone: set[str], addresses: set[str]) -> None:
        for follow_id in gone:
            del self.follows[follow_id]
        for delivery_id in list(self.open_deliveries):
            delivery = self.deliveries[delivery_id]
            if delivery.recipient in gone or (delivery.address or "").lower() in addresses:
                self.open_deliveries.discard(delivery_id)
                self.deliveries[delivery_id] = replace(delivery, status="failed", address=None,
                                                       claim=None, last_error="unsubscribed")

    def _op_unsubscribe(self, op: dict[str, Any]) -> int:
        follow = self.follows.get(op["id"])
        if follow is None:
            raise Gone("This link is unknown or was already used.")
        address = follow.email.lower()
        gone = {f.id for f in self.follows.values() if f.email.lower() == address}
        self._drop_follows(gone, {address})
        return len(gone)

    def _op_follow_erase(self, op: dict[str, Any]) -> int:
        gone = {f.id for f in self.follows.values() if f.voter_id == op["voter"]}
        addresses = {self.follows[i].email.lower() for i in gone}
        self._drop_follows(gone, addresses)
        for token in [t for t, v in self.feed_tokens.items() if v == op["voter"]]:
            del self.feed_tokens[token]
        for event in [e for e in self.events.values() if e.voter == op["voter"]]:
            # Told once already (or never will be: the follows are gone); keep the event for
            # other consumers but let it no longer name the voter.
            self.events[event.id] = replace(event, voter=None)
        requests = {f"follow:{i}" for i in gone}
        for event in [e for e in self.events.values() if requests.intersection(e.subjects)]:
            self.events[event.id] = replace(event, data={})  # the link's token, the title
        for delivery in list(self.deliveries.values()):  # sent ones too: no address stays
            if delivery.address and (delivery.recipient in gone
                                      or delivery.address.lower() in addresses):
                self.deliveries[delivery.id] = replace(delivery, address=None)
        return len(gone)

    def _op_follow_purge(self, op: dict[str, Any]) -> int:
        now = _at(op["at"])
        gone = {f.id for f in self.follows.values() if f.expired(now)}
        self._drop_follows(gone, set())
        return len(gone)

    def _op_feed_token(self, op: dict[str, Any]) -> str:
        for token, voter in self.feed_tokens.items():
            if voter == op["voter"]:
                return token
        self.feed_tokens[op["token"]] = op["voter"]
        return str(op["token"])

    # -- deliveries --------------------------------------------------------------------

    def any_due(self, consumer: str, now: datetime, before: datetime | None) -> bool:
        """Whether a claim would find work (read first: an idle sender writes nothing)."""
        return any(d.consumer == consumer and d.next_attempt <= now and (
            before is None or d.created_at < before)
            for d in map(self.deliveries.__getitem__, self.open_deliveries))

    def _op_delivery_claim(self, op: dict[str, Any]) -> list[Delivery]:
        now, until = _at(op["at"]), _at(op["until"])
        before = _dt(op.get("before"))
        due = sorted((self.deliveries[i] for i in self.open_deliveries),
                     key=lambda d: int(d.id))
        claimed: list[Delivery] = []
        for delivery in due:
            if len(claimed) >= op["limit"]:
                break
            if delivery.consumer != op["consumer"] or delivery.next_attempt > now:
                continue
            if before is not None and delivery.created_at >= before:
                continue
            delivery = replace(delivery, claim=op["claim"], attempts=delivery.attempts + 1,
                               next_attempt=until)
            self.deliveries[delivery.id] = delivery
            claimed.append(replace(delivery, event=self.events.get(delivery.event_id)))
        return claimed

    def _op_delivery_finish(self, op: dict[str, Any]) -> bool:
        delivery = self.deliveries.get(op["id"])
        if delivery is None or delivery.status != "pending" or delivery.claim != op["claim"]:
            return False
        at, retry = _at(op["at"]), _dt(op.get("retry"))
        if op.get("error") is None:
            delivery = replace(delivery, status="sent", sent_at=at, address=None, claim=None)
        elif retry is None:
            delivery = replace(delivery, status="failed", address=None, claim=None,
                               last_error=op["error"])
        else:
            delivery = replace(delivery, next_attempt=retry, claim=None, last_error=op["error"])
        self.deliveries[delivery.id] = delivery
        if delivery.status != "pending":
            self.open_deliveries.discard(delivery.id)
        return True


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- snapshot tables (see documents.py) ----------------------------------------------------


def outbox_tables(state: OutboxState) -> Iterator[tuple[str, Any]]:
    """Yield the outbox tables of a snapshot."""
    yield "events", (dict(asdict(e), subjects=list(e.subjects), created_at=_iso(e.created_at))
                     for e in state.events.values())
    yield "follows", (dict(asdict(f), created_at=_iso(f.created_at),
                           confirmed_at=_iso(f.confirmed_at)) for f in state.follows.values())
    yield "deliveries", (
        {k: v for k, v in dict(asdict(d), next_attempt=_iso(d.next_attempt),
                               created_at=_iso(d.created_at), sent_at=_iso(d.sent_at)).items()
         if k != "event"} for d in state.deliveries.values())
    yield "feed_tokens", ({"token": t, "voter": v} for t, v in state.feed_tokens.items())
    yield "outbox_meta", [{"delivery_seq": state.delivery_seq}]


def load_outbox(state: OutboxState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill the outbox tables of a fresh state from a snapshot."""
    for doc in tables.get("events", {}).values():
        state.events[doc["id"]] = Event(**dict(doc, subjects=tuple(doc["subjects"]),
                                               created_at=_at(doc["created_at"])))
    for doc in tables.get("follows", {}).values():
        state.follows[doc["id"]] = Follow(**dict(doc, created_at=_at(doc["created_at"]),
                                                 confirmed_at=_dt(doc["confirmed_at"])))
    for doc in tables.get("deliveries", {}).values():
        delivery = Delivery(**dict(doc, next_attempt=_at(doc["next_attempt"]),
                                   created_at=_at(doc["created_at"]),
                                   sent_at=_dt(doc["sent_at"])))
        state.deliveries[delivery.id] = delivery
        state.delivery_keys.add((delivery.event_id, delivery.consumer, delivery.recipient))
        if delivery.status == "pending":
            state.open_deliveries.add(delivery.id)
    for doc in tables.get("feed_tokens", {}).values():
        state.feed_tokens[doc["token"]] = doc["voter"]
    for doc in tables.get("outbox_meta", {}).values():
        state.delivery_seq = int(doc["delivery_seq"])
