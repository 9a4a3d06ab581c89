"""Webhook endpoints and attempts in PostgreSQL.

``fan_out`` runs inside the transaction that writes an event (``outbox.write_events``): one
``INSERT ... SELECT`` over the enabled endpoints that chose the event's type, made idempotent
by the deliveries' unique key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import Connection

from pollserver.domain.errors import NotFound
from pollserver.domain.outbox import Delivery, Event, event_from
from pollserver.domain.publish import PUBLISH, PUBLISH_EVENTS, SITE
from pollserver.domain.webhooks import WEBHOOK, Attempt, Endpoint, after_attempt

__all__ = [
    "add_webhook", "delete_webhook", "fan_out", "get_webhook", "list_attempts",
    "list_webhooks", "record_attempt", "resend_delivery", "send_test_event", "set_webhook",
]

_COLUMNS = ("id, url, secret, events, created_at, enabled, include_text, description,"
            " failing_since, disabled_reason")
_ATTEMPT_COLUMNS = ("endpoint_id, delivery_id, event_id, event_type, at, ok, status,"
                    " duration_ms, error, body, id")

_FAN_OUT = """
INSERT INTO deliveries (event_id, consumer, recipient, address, next_attempt, created_at)
SELECT %(event)s, %(consumer)s, id, NULL, %(at)s, %(at)s FROM webhooks
WHERE enabled AND %(type)s = ANY(events)
ON CONFLICT (event_id, consumer, recipient) DO NOTHING
"""


def _endpoint(row: Sequence[Any]) -> Endpoint:
    return Endpoint(id=row[0], url=row[1], secret=row[2], events=tuple(row[3]),
                    created_at=row[4], enabled=row[5], include_text=row[6],
                    description=row[7], failing_since=row[8], disabled_reason=row[9])


def _attempt(row: Sequence[Any]) -> Attempt:
    return Attempt(endpoint_id=row[0], delivery_id=row[1], event_id=row[2],
                   event_type=row[3], at=row[4], ok=row[5], status=row[6],
                   duration_ms=row[7], error=row[8], body=row[9], id=str(row[10]))


def fan_out(conn: Connection, event: Event) -> None:
    """Queue a newly written event for every endpoint that wants it (and for the publish
    trigger when it changes what static pages show)."""
    conn.execute(_FAN_OUT, {"event": event.id, "consumer": WEBHOOK, "at": event.created_at,
                            "type": event.type})
    if event.type in PUBLISH_EVENTS:
        conn.execute("INSERT INTO deliveries (event_id, consumer, recipient, next_attempt,"
                     " created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                     (event.id, PUBLISH, SITE, event.created_at, event.created_at))


def add_webhook(conn: Connection, endpoint: Endpoint) -> Endpoint:
    """Insert a new endpoint."""
    e = endpoint
    conn.execute(f"INSERT INTO webhooks ({_COLUMNS}) VALUES"
                 " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                 (e.id, e.url, e.secret, list(e.events), e.created_at, e.enabled,
                  e.include_text, e.description, e.failing_since, e.disabled_reason))
    return e


def list_webhooks(conn: Connection) -> list[Endpoint]:
    """Every endpoint, oldest first."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM webhooks ORDER BY seq").fetchall()
    return [_endpoint(r) for r in rows]


def get_webhook(conn: Connection, endpoint_id: str) -> Endpoint | None:
    """One endpoint."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM webhooks WHERE id = %s",
                       (endpoint_id,)).fetchone()
    return _endpoint(row) if row else None


def set_webhook(conn: Connection, endpoint_id: str, *, enabled: bool | None = None,
                events: tuple[str, ...] | None = None,
                include_text: bool | None = None) -> Endpoint:
    """Change an endpoint; turning it on forgets its failures."""
    row = conn.execute(
        "UPDATE webhooks SET enabled = coalesce(%(on)s, enabled),"
        " events = coalesce(%(events)s, events),"
        " include_text = coalesce(%(text)s, include_text),"
        " failing_since = CASE WHEN %(on)s THEN NULL ELSE failing_since END,"
        " disabled_reason = CASE WHEN %(on)s THEN '' ELSE disabled_reason END"
        f" WHERE id = %(id)s RETURNING {_COLUMNS}",
        {"on": enabled, "events": list(events) if events is not None else None,
         "text": include_text, "id": endpoint_id}).fetchone()
    if row is None:
        raise NotFound(f"No webhook endpoint {endpoint_id!r}.")
    return _endpoint(row)


def delete_webhook(conn: Connection, endpoint_id: str) -> None:
    """Remove the endpoint (attempts go with it) and fail its undelivered rows."""
    with conn.transaction():
        gone = conn.execute("DELETE FROM webhooks WHERE id = %s RETURNING 1",
                            (endpoint_id,)).fetchone()
        if gone is None:
            raise NotFound(f"No webhook endpoint {endpoint_id!r}.")
        conn.execute("UPDATE deliveries SET status = 'failed', claim = NULL,"
                     " last_error = 'endpoint removed' WHERE consumer = %s"
                     " AND recipient = %s AND status = 'pending'", (WEBHOOK, endpoint_id))


def record_attempt(conn: Connection, attempt: Attempt) -> Endpoint:
    """Log the try and update the endpoint's failure streak (under its row lock)."""
    a = attempt
    with conn.transaction():
        row = conn.execute(f"SELECT {_COLUMNS} FROM webhooks WHERE id = %s FOR UPDATE",
                           (a.endpoint_id,)).fetchone()
        if row is None:
            raise NotFound(f"No webhook endpoint {a.endpoint_id!r}.")
        endpoint = _endpoint(row)
        conn.execute(f"INSERT INTO webhook_attempts ({_ATTEMPT_COLUMNS.rsplit(',', 1)[0]})"
                     " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                     (a.endpoint_id, a.delivery_id, a.event_id, a.event_type, a.at, a.ok,
                      a.status, a.duration_ms, a.error, a.body))
        after = after_attempt(endpoint, a)
        row = conn.execute(
            "UPDATE webhooks SET failing_since = %s, enabled = %s, disabled_reason = %s"
            f" WHERE id = %s RETURNING {_COLUMNS}",
            (after.failing_since, after.enabled, after.disabled_reason, a.endpoint_id)
        ).fetchone()
        assert row is not None
        return _endpoint(row)


def list_attempts(conn: Connection, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
    """The endpoint's attempts, newest first."""
    rows = conn.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM webhook_attempts"
                        " WHERE endpoint_id = %s ORDER BY id DESC LIMIT %s",
                        (endpoint_id, limit)).fetchall()
    return [_attempt(r) for r in rows]


def resend_delivery(conn: Connection, delivery_id: str, *, at: datetime) -> Delivery:
    """Queue a webhook delivery again, tries counted afresh."""
    from pollserver.store.postgres.outbox import delivery_with_event

    row = conn.execute(
        "UPDATE deliveries SET status = 'pending', attempts = 0, claim = NULL,"
        " next_attempt = %s, last_error = '' WHERE id = %s AND consumer = %s RETURNING id",
        (at, int(delivery_id) if delivery_id.isdigit() else -1, WEBHOOK)).fetchone()
    if row is None:
        raise NotFound(f"No webhook delivery {delivery_id!r}.")
    return delivery_with_event(conn, str(row[0]))


def send_test_event(conn: Connection, endpoint_id: str, event: dict[str, Any]) -> None:
    """Write the test event with one delivery, to this endpoint only."""
    from pollserver.store.postgres.outbox import insert_event

    test = event_from(event)
    with conn.transaction():
        if get_webhook(conn, endpoint_id) is None:
            raise NotFound(f"No webhook endpoint {endpoint_id!r}.")
        insert_event(conn, test)
        conn.execute("INSERT INTO deliveries (event_id, consumer, recipient, next_attempt,"
                     " created_at) VALUES (%s, %s, %s, %s, %s)",
                     (test.id, WEBHOOK, endpoint_id, test.created_at, test.created_at))
