"""The webhook sender: drains the outbox's ``webhook`` deliveries, signed per Standard Webhooks.

Each due delivery is claimed for :data:`LEASE` (longer than a try can take), posted to its
endpoint and finished: sent on a 2xx, retried on the Standard Webhooks schedule
(:data:`pollserver.domain.webhooks.BACKOFF`, about a day) otherwise, failed after the last
try or when the endpoint is off. Every try is logged with its status, duration and body
(the body without a survey answer's comment, so erasing a voter leaves no copy of it here).

**At least once, once per endpoint**: the store has one row per (event, endpoint) and a row
is claimed by one sender at a time (``SKIP LOCKED`` on PostgreSQL). A sender killed between
the POST and finishing the row repeats it when the lease runs out, with the same
``webhook-id`` (the event id), so a receiver that keeps ids drops the repeat.

**One bad row never stops the others** (poison-message isolation): a delivery whose body
cannot be built or sent at all is marked failed with the reason and logged by its id, and
the round goes on with the next one.

The clock is an input: ``webhook-timestamp`` and every retry time come from ``clock``.
"""

from __future__ import annotations

import json
import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from standardwebhooks import Webhook

from pollserver.domain.outbox import Delivery, Event
from pollserver.domain.webhooks import (
    WEBHOOK,
    Attempt,
    Endpoint,
    payload,
    response_of,
    retry_after,
)
from pollserver.store.base import Store
from pollserver.webhooks.client import Answer, post

__all__ = ["LEASE", "WebhookSender", "signed_headers"]

log = logging.getLogger(__name__)

#: How long a claimed delivery is hidden from other senders.
LEASE = timedelta(minutes=2)


def signed_headers(endpoint: Endpoint, msg_id: str, at: datetime, body: str
                   ) -> dict[str, str]:
    """The Standard Webhooks headers for ``body`` sent at ``at``."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(endpoint.secret).sign(msg_id, at, body)}


@dataclass
class WebhookSender:
    """Send what the outbox holds for webhooks, one round at a time."""

    store: Store
    clock: Callable[[], datetime]
    timeout: float = 10.0
    allow_http: bool = False
    allow_private: bool = False
    context: ssl.SSLContext | None = None
    batch: int = 20
    origin: str = ""  # the site's public origin: links in payloads are full addresses

    def run_once(self) -> int:
        """Do one round; return how many deliveries a receiver accepted."""
        now = self.clock()
        claim = uuid.uuid4().hex
        done = 0
        while batch := self.store.claim_deliveries(WEBHOOK, now=now, lease=LEASE,
                                                   claim=claim, limit=self.batch):
            for delivery in batch:
                try:
                    done += self._deliver(delivery, claim, now)
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the rest
                    self._poisoned(delivery, claim, now, exc)
            if len(batch) < self.batch:
                break
        return done

    def _poisoned(self, delivery: Delivery, claim: str, now: datetime,
                  exc: Exception) -> None:
        """Mark a delivery that could not be sent at all as failed (never retried)."""
        error = f"cannot be sent: {exc.__class__.__name__}"
        log.error("webhook delivery %s cannot be sent; marked failed (%s)", delivery.id, error)
        try:
            self.store.finish_delivery(delivery.id, claim, at=now, error=error)
        except Exception:  # noqa: BLE001 - its lease runs out; the round goes on
            log.exception("webhook delivery %s could not be marked failed", delivery.id)

    def _deliver(self, delivery: Delivery, claim: str, now: datetime) -> int:
        endpoint = self.store.get_webhook(delivery.recipient)
        event = delivery.event
        if endpoint is None or not endpoint.enabled or event is None:
            self.store.finish_delivery(delivery.id, claim, at=now, error="endpoint disabled")
            return 0
        body = _json(payload(event, endpoint, self._free_text(event, endpoint),
                             origin=self.origin))
        headers = signed_headers(endpoint, event.id, now, body)
        answer: Answer = post(endpoint.url, body.encode(), headers, timeout=self.timeout,
                              allow_http=self.allow_http, allow_private=self.allow_private,
                              context=self.context)
        after = self.store.record_attempt(Attempt(
            endpoint_id=endpoint.id, delivery_id=delivery.id, event_id=event.id,
            event_type=event.type, at=now, ok=answer.ok, status=answer.status,
            duration_ms=answer.duration_ms, error=answer.error,
            body=_json(payload(event, endpoint, origin=self.origin))))
        if answer.ok:
            self.store.finish_delivery(delivery.id, claim, at=now)
            return 1
        wait = retry_after(delivery.attempts) if after.enabled else None
        self.store.finish_delivery(delivery.id, claim, at=now, error=answer.error,
                                   retry_at=now + wait if wait else None)
        log.warning("webhook delivery %s to endpoint %s failed: %s", delivery.id,
                    endpoint.id, answer.error)
        return 0

    def _free_text(self, event: Event, endpoint: Endpoint) -> dict[str, str]:
        """The answer's comment for an endpoint that opted in (read now, so an erased
        voter's comment is gone here too); nothing for any other endpoint or event."""
        response_id = response_of(event) if endpoint.include_text else None
        if response_id is None:
            return {}
        answers = self.store.list_responses(str(event.data.get("id", "")))
        found = next((r for r in answers if r.id == response_id), None)
        return {"comment": found.comment} if found else {}


def _json(body: dict[str, object]) -> str:
    return json.dumps(body, separators=(",", ":"), sort_keys=True)
