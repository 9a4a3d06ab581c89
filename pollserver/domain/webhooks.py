"""Webhook endpoints, their attempts and the rules of delivery (pure data, no I/O).

Webhooks are one more consumer of the outbox (:data:`WEBHOOK`): when an event is written,
the store adds one delivery per enabled endpoint that chose its type, in the same step, so
``(event, endpoint)`` is unique and a receiver gets each event once per endpoint (more only
when a send is repeated after a lost answer; the stable ``webhook-id`` lets it drop those).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pollserver.domain.errors import BadRequest
from pollserver.domain.events import WEBHOOK, types_for
from pollserver.domain.outbox import Event

__all__ = [
    "BACKOFF",
    "FAILURE_WINDOW",
    "TEST_EVENT",
    "WEBHOOK",
    "WEBHOOK_EVENTS",
    "Attempt",
    "Endpoint",
    "after_attempt",
    "check_events",
    "check_url",
    "new_secret",
    "payload",
    "response_of",
    "retry_after",
]

#: The event types an endpoint can choose: those declaring the audience :data:`WEBHOOK` (the
#: outbox consumer of webhooks; each delivery's recipient is an endpoint id) in ``events.py``.
WEBHOOK_EVENTS = types_for(WEBHOOK)
#: The type of "send a test event" (goes to the one endpoint it was asked for).
TEST_EVENT = "webhook.test"
#: Waits between tries (the Standard Webhooks schedule): about 27 hours in all.
BACKOFF = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
#: An endpoint that has failed for this long without a success is disabled.
FAILURE_WINDOW = timedelta(days=1)
#: Free-text fields a ``survey.answered`` payload carries only for endpoints that opt in.
_FREE_TEXT = ("comment",)


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form (``whsec_`` + base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_url(url: object) -> str:
    """Return the URL trimmed, or raise ``BadRequest``: http(s), a host, no credentials."""
    text = url.strip() if isinstance(url, str) else ""
    scheme, _, rest = text.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    if scheme.lower() not in ("http", "https") or not host or "@" in host or len(text) > 2000 \
            or any(ord(c) <= 32 for c in text):
        raise BadRequest("Give the endpoint as a full web address such as "
                         "https://crm.example/hooks (no user name or password in it).",
                         field="url")
    return text


def check_events(types: object) -> tuple[str, ...]:
    """Return the chosen event types in catalogue order (``all`` for every one), or raise
    ``BadRequest``."""
    if isinstance(types, str):
        types = [t.strip() for t in types.split(",") if t.strip()]
    chosen = set(types) if isinstance(types, list | tuple | set) else set()
    if "all" in chosen:
        chosen = (chosen - {"all"}) | set(WEBHOOK_EVENTS)
    unknown = sorted(str(t) for t in chosen - set(WEBHOOK_EVENTS))
    if unknown or not chosen:
        raise BadRequest(f"Choose event types from: {', '.join(WEBHOOK_EVENTS)}"
                         + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
                         field="events")
    return tuple(t for t in WEBHOOK_EVENTS if t in chosen)


def retry_after(attempts: int) -> timedelta | None:
    """How long to wait after the ``attempts``-th failed try; ``None`` when it was the last."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else None


@dataclass(frozen=True)
class Endpoint:
    """Where events go: a URL, its secret, the chosen types and whether it is on.

    ``failing_since`` is the first failure after the last success; once it is
    :data:`FAILURE_WINDOW` old the endpoint is disabled (``disabled_reason`` says why).
    """

    id: str
    url: str
    secret: str
    events: tuple[str, ...]
    created_at: datetime
    enabled: bool = True
    include_text: bool = False
    description: str = ""
    failing_since: datetime | None = None
    disabled_reason: str = ""

    def wants(self, event_type: str) -> bool:
        """Whether a new event of this type gets a delivery to this endpoint."""
        return self.enabled and event_type in self.events


@dataclass(frozen=True)
class Attempt:
    """One try at one delivery, for the endpoint's log (``status`` 0: no answer)."""

    endpoint_id: str
    delivery_id: str
    event_id: str
    event_type: str
    at: datetime
    ok: bool
    status: int
    duration_ms: int
    error: str
    body: str
    id: str = ""


def after_attempt(endpoint: Endpoint, attempt: Attempt) -> Endpoint:
    """Return the endpoint as one more try leaves it: a success ends its failure streak; a
    failure starts one, or switches the endpoint off once the streak is
    :data:`FAILURE_WINDOW` old (saying why). The rule every backend's ``record_attempt``
    applies."""
    if attempt.ok:
        return replace(endpoint, failing_since=None)
    if endpoint.failing_since is None:
        return replace(endpoint, failing_since=attempt.at)
    if endpoint.enabled and attempt.at - endpoint.failing_since >= FAILURE_WINDOW:
        return replace(endpoint, enabled=False, disabled_reason=(
            f"failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
            f" (last: {attempt.error or attempt.status})"))
    return endpoint


def response_of(event: Event) -> str | None:
    """The id of the survey answer a ``survey.answered`` event names (``response:<id>``)."""
    if event.type != "survey.answered":
        return None
    return next((s.split(":", 1)[1] for s in event.subjects if s.startswith("response:")),
                None)


def payload(event: Event, endpoint: Endpoint,
            free_text: Mapping[str, str] | None = None, *, origin: str = "") -> dict[str, Any]:
    """The JSON body for ``event``: ``{"type", "timestamp", "data"}``.

    ``data`` never holds a voter id or address (events do not carry them in ``data``).
    ``free_text`` (the answer's comment, read by the sender) is added only for an endpoint
    that opted in, and only to a ``survey.answered`` payload: every other endpoint gets score
    and category alone. ``origin`` makes the event's site path (``url``) a full address, which
    is what a CRM or chat message can link to.
    """
    data = {k: v for k, v in event.data.items() if k not in _FREE_TEXT}
    url = data.get("url")
    if origin and isinstance(url, str) and url.startswith("/"):
        data["url"] = origin.rstrip("/") + url
    if endpoint.include_text and event.type == "survey.answered":
        data.update({key: str((free_text or {}).get(key, "")) for key in _FREE_TEXT})
    return {"type": event.type, "timestamp": event.created_at.isoformat(), "data": data}
