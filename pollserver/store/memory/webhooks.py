"""The webhook half of the state machine: endpoints, attempts, fan-out of new events.

Mixed into :class:`pollserver.store.memory.state.State` above the outbox. :meth:`fan_out`
extends the outbox's own: when an event is recorded, every enabled endpoint that chose its type
gets one ``webhook`` delivery in the same operation (the same journal line). Deterministic like
every operation: ids and times come from the operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.errors import NotFound
from pollserver.domain.outbox import Delivery, Event, event_from
from pollserver.domain.publish import PUBLISH, PUBLISH_EVENTS, SITE
from pollserver.domain.webhooks import WEBHOOK, Attempt, Endpoint, after_attempt
from pollserver.store.memory.outbox import OutboxState

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["WebhookState", "add_webhook", "delete_webhook", "endpoint_doc", "endpoint_from",
           "get_webhook", "list_attempts", "list_webhooks", "load_webhooks", "record_attempt",
           "resend_delivery", "send_test_event", "set_webhook", "webhook_tables"]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def endpoint_doc(endpoint: Endpoint) -> dict[str, Any]:
    """The endpoint as a JSON-able dict (operations and snapshots)."""
    return dict(asdict(endpoint), events=list(endpoint.events),
                created_at=endpoint.created_at.isoformat(),
                failing_since=endpoint.failing_since.isoformat()
                if endpoint.failing_since else None)


def endpoint_from(doc: dict[str, Any]) -> Endpoint:
    """The endpoint from :func:`endpoint_doc`'s dict."""
    return Endpoint(**dict(doc, events=tuple(doc["events"]),
                           created_at=datetime.fromisoformat(doc["created_at"]),
                           failing_since=_dt(doc.get("failing_since"))))


def _attempt_doc(attempt: Attempt) -> dict[str, Any]:
    return dict(asdict(attempt), at=attempt.at.isoformat())


def _attempt_from(doc: dict[str, Any]) -> Attempt:
    return Attempt(**dict(doc, at=datetime.fromisoformat(doc["at"])))


class WebhookState(OutboxState):
    """Webhook tables of the in-memory state."""

    def init_webhooks(self) -> None:
        """Create the empty tables (called from ``State.__init__``)."""
        self.webhooks: dict[str, Endpoint] = {}
        self.attempts: list[Attempt] = []

    def fan_out(self, event: Event) -> None:
        """Queue the event for followers (the outbox's part), the publish trigger and webhook
        endpoints."""
        super().fan_out(event)
        if event.type in PUBLISH_EVENTS:
            self.add_delivery(event, SITE, None, PUBLISH)
        for endpoint in self.webhooks.values():
            if endpoint.wants(event.type):
                self.add_delivery(event, endpoint.id, None, WEBHOOK)

    def _endpoint(self, endpoint_id: str) -> Endpoint:
        endpoint = self.webhooks.get(endpoint_id)
        if endpoint is None:
            raise NotFound(f"No webhook endpoint {endpoint_id!r}.")
        return endpoint

    def _op_webhook_add(self, op: dict[str, Any]) -> Endpoint:
        endpoint = endpoint_from(op["endpoint"])
        self.webhooks[endpoint.id] = endpoint
        return endpoint

    def _op_webhook_set(self, op: dict[str, Any]) -> Endpoint:
        endpoint = self._endpoint(op["id"])
        if op.get("enabled") is not None:
            endpoint = replace(endpoint, enabled=bool(op["enabled"]))
            if endpoint.enabled:
                endpoint = replace(endpoint, failing_since=None, disabled_reason="")
        if op.get("types") is not None:  # ("events" is what every op's events travel in)
            endpoint = replace(endpoint, events=tuple(op["types"]))
        if op.get("include_text") is not None:
            endpoint = replace(endpoint, include_text=bool(op["include_text"]))
        self.webhooks[endpoint.id] = endpoint
        return endpoint

    def _op_webhook_delete(self, op: dict[str, Any]) -> None:
        self._endpoint(op["id"])
        del self.webhooks[op["id"]]
        self.attempts = [a for a in self.attempts if a.endpoint_id != op["id"]]
        for delivery_id in list(self.open_deliveries):
            delivery = self.deliveries[delivery_id]
            if delivery.consumer == WEBHOOK and delivery.recipient == op["id"]:
                self.open_deliveries.discard(delivery_id)
                self.deliveries[delivery_id] = replace(delivery, status="failed", claim=None,
                                                       last_error="endpoint removed")

    def _op_webhook_attempt(self, op: dict[str, Any]) -> Endpoint:
        attempt = _attempt_from(op["attempt"])
        endpoint = self._endpoint(attempt.endpoint_id)
        self.attempts.append(replace(attempt, id=str(len(self.attempts) + 1)))
        endpoint = after_attempt(endpoint, attempt)
        self.webhooks[endpoint.id] = endpoint
        return endpoint

    def _op_webhook_resend(self, op: dict[str, Any]) -> Delivery:
        delivery = self.deliveries.get(op["id"])
        if delivery is None or delivery.consumer != WEBHOOK:
            raise NotFound(f"No webhook delivery {op['id']!r}.")
        delivery = replace(delivery, status="pending", attempts=0, claim=None,
                           next_attempt=datetime.fromisoformat(op["at"]), last_error="")
        self.deliveries[delivery.id] = delivery
        self.open_deliveries.add(delivery.id)
        return replace(delivery, event=self.events.get(delivery.event_id))

    def _op_webhook_test(self, op: dict[str, Any]) -> None:
        endpoint = self._endpoint(op["id"])
        event = event_from(op["event"])
        self.events[event.id] = event
        self.add_delivery(event, endpoint.id, None, WEBHOOK)


def webhook_tables(state: WebhookState) -> Iterator[tuple[str, Any]]:
    """Yield the webhook tables of a snapshot."""
    yield "webhooks", (endpoint_doc(e) for e in state.webhooks.values())
    yield "webhook_attempts", (_attempt_doc(a) for a in state.attempts)


def load_webhooks(state: WebhookState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill the webhook tables of a fresh state from a snapshot."""
    for doc in tables.get("webhooks", {}).values():
        endpoint = endpoint_from(doc)
        state.webhooks[endpoint.id] = endpoint
    state.attempts = sorted((_attempt_from(d) for d in tables.get("webhook_attempts", {})
                             .values()), key=lambda a: int(a.id or 0))


# -- the store's webhook calls (bound by MemoryStore, like items.py) -----------------------


def add_webhook(store: MemoryStore, endpoint: Endpoint) -> Endpoint:
    return store.commit({"op": "webhook-add", "endpoint": endpoint_doc(endpoint)})


def list_webhooks(store: MemoryStore) -> list[Endpoint]:
    with store.reading() as state:
        return list(state.webhooks.values())


def get_webhook(store: MemoryStore, endpoint_id: str) -> Endpoint | None:
    with store.reading() as state:
        return state.webhooks.get(endpoint_id)


def set_webhook(store: MemoryStore, endpoint_id: str, *, enabled: bool | None = None,
                events: tuple[str, ...] | None = None,
                include_text: bool | None = None) -> Endpoint:
    return store.commit({"op": "webhook-set", "id": endpoint_id, "enabled": enabled,
                         "types": list(events) if events is not None else None,
                         "include_text": include_text})


def delete_webhook(store: MemoryStore, endpoint_id: str) -> None:
    store.commit({"op": "webhook-delete", "id": endpoint_id})


def record_attempt(store: MemoryStore, attempt: Attempt) -> Endpoint:
    doc = dict(vars(attempt), at=attempt.at.isoformat())
    return store.commit({"op": "webhook-attempt", "attempt": doc})


def list_attempts(store: MemoryStore, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
    with store.reading() as state:
        mine = [a for a in reversed(state.attempts) if a.endpoint_id == endpoint_id]
        return mine[:limit]


def resend_delivery(store: MemoryStore, delivery_id: str, *, at: datetime) -> Delivery:
    return store.commit({"op": "webhook-resend", "id": delivery_id, "at": at.isoformat()})


def send_test_event(store: MemoryStore, endpoint_id: str, event: dict[str, Any]) -> None:
    store.commit({"op": "webhook-test", "id": endpoint_id, "event": event})
