"""Editor actions on webhook endpoints: add, switch on or off, remove, send again, test.

Each records an :class:`AuditEntry` like the jam actions. The secret is made here and
returned once by :func:`add`; screens show it that one time and never again.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pollserver.domain.errors import BadRequest
from pollserver.domain.events import webhook_test
from pollserver.domain.records import AuditEntry
from pollserver.domain.webhooks import Endpoint, check_events, check_url, new_secret
from pollserver.store.base import Store

__all__ = ["add", "remove", "send_again", "send_test", "set_text", "switch"]


def _audit(store: Store, actor: str, action: str, target: str, at: datetime,
           **details: object) -> None:
    store.add_audit(AuditEntry(at=at, actor=actor, action=action, target=target,
                               details=details))


def add(store: Store, actor: str, url: object, events: object, *, at: datetime,
        include_text: bool = False, allow_http: bool = False) -> Endpoint:
    """Register an endpoint with a new secret (in the returned record: show it once)."""
    checked = check_url(url)
    if checked.lower().startswith("http://") and not allow_http:
        raise BadRequest("Webhook endpoints must use https:// (plain http:// only with "
                         "POLLSERVER_WEBHOOKS_ALLOW_HTTP=1).", field="url")
    endpoint = Endpoint(id=uuid.uuid4().hex[:12], url=checked, secret=new_secret(),
                        events=check_events(events), created_at=at,
                        include_text=include_text)
    store.add_webhook(endpoint)
    _audit(store, actor, "webhook.add", f"webhook:{endpoint.id}", at,
           url=checked, events=list(endpoint.events), include_text=include_text)
    return endpoint


def switch(store: Store, actor: str, endpoint_id: str, *, enabled: bool,
           at: datetime) -> Endpoint:
    """Turn an endpoint on (forgetting its failures) or off."""
    endpoint = store.set_webhook(endpoint_id, enabled=enabled)
    _audit(store, actor, "webhook.enable" if enabled else "webhook.disable",
           f"webhook:{endpoint_id}", at)
    return endpoint


def set_text(store: Store, actor: str, endpoint_id: str, *, include_text: bool,
             at: datetime) -> Endpoint:
    """Start or stop sending the free text of survey answers to this endpoint (from the next
    send on, pending deliveries included: the text is read when a delivery goes out)."""
    endpoint = store.set_webhook(endpoint_id, include_text=include_text)
    _audit(store, actor, "webhook.text_on" if include_text else "webhook.text_off",
           f"webhook:{endpoint_id}", at)
    return endpoint


def remove(store: Store, actor: str, endpoint_id: str, *, at: datetime) -> None:
    """Remove an endpoint; what it had not received yet is dropped."""
    store.delete_webhook(endpoint_id)
    _audit(store, actor, "webhook.remove", f"webhook:{endpoint_id}", at)


def send_again(store: Store, actor: str, delivery_id: str, *, at: datetime) -> None:
    """Queue one delivery again (same event, same ``webhook-id``)."""
    delivery = store.resend_delivery(delivery_id, at=at)
    _audit(store, actor, "webhook.resend", f"webhook:{delivery.recipient}", at,
           delivery=delivery_id)


def send_test(store: Store, actor: str, endpoint_id: str, *, at: datetime) -> None:
    """Queue a ``webhook.test`` event for this endpoint only."""
    event = webhook_test(endpoint_id, at=at)
    store.send_test_event(endpoint_id, event)
    _audit(store, actor, "webhook.test", f"webhook:{endpoint_id}", at)
