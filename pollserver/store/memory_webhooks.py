"""The webhook methods of the memory and TinyDB stores: state-machine operations."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.outbox import Delivery
from pollserver.domain.webhooks import Attempt, Endpoint
from pollserver.store.state_webhooks import endpoint_doc
from pollserver.store.webhooks import Webhooks

if TYPE_CHECKING:
    from pollserver.store.state import State

__all__ = ["MemoryWebhooks"]


class MemoryWebhooks(Webhooks):
    """Webhook operations on top of ``commit`` and ``reading`` (see ``memory.py``)."""

    if TYPE_CHECKING:
        def commit(self, op: dict[str, Any]) -> Any: ...
        def reading(self) -> AbstractContextManager[State]: ...

    def add_webhook(self, endpoint: Endpoint) -> Endpoint:
        return self.commit({"op": "webhook-add", "endpoint": endpoint_doc(endpoint)})

    def list_webhooks(self) -> list[Endpoint]:
        with self.reading() as state:
            return list(state.webhooks.values())

    def get_webhook(self, endpoint_id: str) -> Endpoint | None:
        with self.reading() as state:
            return state.webhooks.get(endpoint_id)

    def set_webhook(self, endpoint_id: str, *, enabled: bool | None = None,
                    events: tuple[str, ...] | None = None,
                    include_text: bool | None = None) -> Endpoint:
        return self.commit({"op": "webhook-set", "id": endpoint_id, "enabled": enabled,
                            "types": list(events) if events is not None else None,
                            "include_text": include_text})

    def delete_webhook(self, endpoint_id: str) -> None:
        self.commit({"op": "webhook-delete", "id": endpoint_id})

    def record_attempt(self, attempt: Attempt) -> Endpoint:
        doc = dict(vars(attempt), at=attempt.at.isoformat())
        return self.commit({"op": "webhook-attempt", "attempt": doc})

    def list_attempts(self, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
        with self.reading() as state:
            mine = [a for a in reversed(state.attempts) if a.endpoint_id == endpoint_id]
            return mine[:limit]

    def resend_delivery(self, delivery_id: str, *, at: datetime) -> Delivery:
        return self.commit({"op": "webhook-resend", "id": delivery_id, "at": at.isoformat()})

    def send_test_event(self, endpoint_id: str, event: dict[str, Any]) -> None:
        self.commit({"op": "webhook-test", "id": endpoint_id, "event": event})
