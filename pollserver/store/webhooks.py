"""The webhook part of the ``Store`` interface: endpoints and the log of their attempts.

Deliveries themselves are outbox rows of consumer ``webhook`` (one per event and endpoint,
added in the same step as the event: see ``memory/webhooks.py`` and ``postgres/webhooks.py``);
senders claim and finish them with the outbox's own ``claim_deliveries`` and
``finish_delivery``. What is here is what the outbox has no room for: the endpoints, the
result of every try, and the editor's "send again" and "send a test event".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from pollserver.domain.outbox import Delivery
from pollserver.domain.webhooks import Attempt, Endpoint

__all__ = ["Webhooks"]


class Webhooks(ABC):
    """Webhook endpoints and attempts; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def add_webhook(self, endpoint: Endpoint) -> Endpoint:
        """Store a new endpoint (its id is new); events written from now on reach it."""

    @abstractmethod
    def list_webhooks(self) -> list[Endpoint]:
        """Return every endpoint, oldest first."""

    @abstractmethod
    def get_webhook(self, endpoint_id: str) -> Endpoint | None:
        """Return one endpoint, or ``None``."""

    @abstractmethod
    def set_webhook(self, endpoint_id: str, *, enabled: bool | None = None,
                    events: tuple[str, ...] | None = None,
                    include_text: bool | None = None) -> Endpoint:
        """Change an endpoint; turning it on forgets its failures. ``NotFound`` if unknown."""

    @abstractmethod
    def delete_webhook(self, endpoint_id: str) -> None:
        """Remove an endpoint, its attempts and its undelivered rows (``NotFound`` if none)."""

    @abstractmethod
    def record_attempt(self, attempt: Attempt) -> Endpoint:
        """Log one try and update the endpoint's failure streak: a success ends it; a failure
        starts it, or disables the endpoint once the streak is ``FAILURE_WINDOW`` old."""

    @abstractmethod
    def list_attempts(self, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
        """Return the endpoint's attempts, newest first."""

    @abstractmethod
    def resend_delivery(self, delivery_id: str, *, at: datetime) -> Delivery:
        """Queue a webhook delivery again (due ``at``, tries counted afresh); same event,
        so the receiver sees the same ``webhook-id``. ``NotFound`` if it is no webhook's."""

    @abstractmethod
    def send_test_event(self, endpoint_id: str, event: dict[str, Any]) -> None:
        """Write ``event`` (a ``webhook.test``) with one delivery: to this endpoint only."""
