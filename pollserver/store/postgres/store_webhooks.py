"""The webhook methods of the PostgreSQL store (the SQL is in ``pg/webhooks.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pollserver.domain.outbox import Delivery
from pollserver.domain.webhooks import Attempt, Endpoint
from pollserver.store.postgres import webhooks as sql
from pollserver.store.webhooks import Webhooks

__all__ = ["PostgresWebhooks"]

T = TypeVar("T")


class PostgresWebhooks(Webhooks):
    """Webhook operations, each one pooled step (see ``PostgresStore._run``)."""

    if TYPE_CHECKING:
        def _run(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def add_webhook(self, endpoint: Endpoint) -> Endpoint:
        return self._run(sql.add_webhook, endpoint)

    def list_webhooks(self) -> list[Endpoint]:
        return self._run(sql.list_webhooks)

    def get_webhook(self, endpoint_id: str) -> Endpoint | None:
        return self._run(sql.get_webhook, endpoint_id)

    def set_webhook(self, endpoint_id: str, *, enabled: bool | None = None,
                    events: tuple[str, ...] | None = None,
                    include_text: bool | None = None) -> Endpoint:
        return self._run(sql.set_webhook, endpoint_id, enabled, events, include_text)

    def delete_webhook(self, endpoint_id: str) -> None:
        self._run(sql.delete_webhook, endpoint_id)

    def record_attempt(self, attempt: Attempt) -> Endpoint:
        return self._run(sql.record_attempt, attempt)

    def list_attempts(self, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
        return self._run(sql.list_attempts, endpoint_id, limit)

    def resend_delivery(self, delivery_id: str, *, at: datetime) -> Delivery:
        return self._run(sql.resend_delivery, delivery_id, at)

    def send_test_event(self, endpoint_id: str, event: dict[str, Any]) -> None:
        self._run(sql.send_test_event, endpoint_id, event)
