"""The outbox in PostgreSQL: events, follows, deliveries and feed tokens.

``write_events`` runs inside the transaction of the change that caused the events (see
``PostgresStore.run``), so both commit or neither does. Fan-out to followers is one
``INSERT ... SELECT DISTINCT ON (lower(email))`` whose unique key makes a repeat a no-op.
Claims pick due rows with ``FOR UPDATE SKIP LOCKED``: two senders never take the same row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection
from psycopg.types.json import Json

from pollserver.domain.errors import Gone
from pollserver.domain.events import MAIL_EVENTS
from pollserver.domain.outbox import (
    CONFIRM,
    CONFIRM_WINDOW,
    MAIL,
    Delivery,
    Event,
    Follow,
    complete_event,
    event_from,
)
from pollserver.store.postgres import webhooks

__all__ = [
    "add_events", "claim_deliveries", "confirm_follow", "delivery_with_event", "insert_event",
    "erase_follows", "feed_token", "feed_voter",
    "finish_delivery", "follow_addresses", "follower_counts", "followed_by", "get_follow",
    "list_deliveries",
    "list_events",
    "purge_follows", "request_follow", "unsubscribe", "write_events",
]

_EVENT_COLUMNS = "id, type, subjects, data, created_at, notify, voter_id"
_FOLLOW_COLUMNS = "id, kind, item_id, jam_id, email, voter_id, created_at, confirmed_at, lang"
_DELIVERY_COLUMNS = ("d.id, d.event_id, d.consumer, d.recipient, d.address, d.status,"
                     " d.attempts, d.next_attempt, d.created_at, d.claim, d.last_error,"
                     " d.sent_at")

_FAN_OUT = """
INSERT INTO deliveries (event_id, consumer, recipient, address, next_attempt, created_at)
SELECT %(event)s, %(consumer)s, f.id, f.email, %(at)s, %(at)s FROM (
    SELECT DISTINCT ON (lower(email)) id, email FROM follows
    WHERE confirmed_at IS NOT NULL
      AND (subject = ANY(%(subjects)s) OR (%(voter)s::text IS NOT NULL AND voter_id = %(voter)s))
    ORDER BY lower(email), created_at, id) f
ON CONFLICT (event_id, consumer, recipient) DO NOTHING
"""

_CLAIM = f"""
UPDATE deliveries d SET claim = %(claim)s, attempts = d.attempts + 1, next_attempt = %(until)s
FROM (SELECT id FROM deliveries
      WHERE consumer = %(consumer)s AND status = 'pending' AND next_attempt <= %(now)s
        AND (%(before)s::timestamptz IS NULL OR created_at < %(before)s)
      ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED) pick
WHERE d.id = pick.id
RETURNING {_DELIVERY_COLUMNS}
"""

_FINISH = """
UPDATE deliveries SET status = %(status)s, next_attempt = coalesce(%(retry)s, next_attempt),
    claim = NULL, last_error = coalesce(%(error)s, last_error), sent_at = %(sent)s,
    address = CASE WHEN %(status)s = 'pending' THEN address END
WHERE id = %(id)s AND status = 'pending' AND claim = %(claim)s
RETURNING 1
"""


def _event(row: Sequence[Any]) -> Event:
    return Event(id=row[0], type=row[1], subjects=tuple(row[2]), data=row[3],
                 created_at=row[4], notify=row[5], voter=row[6])


def _follow(row: Sequence[Any]) -> Follow:
    return Follow(id=row[0], kind=row[1], item=row[2], jam=row[3], email=row[4],
                  voter_id=row[5], created_at=row[6], confirmed_at=row[7], lang=row[8])


def _delivery(row: Sequence[Any], event: Event | None = None) -> Delivery:
    return Delivery(id=str(row[0]), event_id=row[1], consumer=row[2], recipient=row[3],
                    address=row[4], status=row[5], attempts=row[6], next_attempt=row[7],
                    created_at=row[8], claim=row[9], last_error=row[10], sent_at=row[11],
                    event=event)


def _insert_event(conn: Connection, event: Event) -> bool:
    row = conn.execute(
        "INSERT INTO events (id, type, subjects, voter_id, data, notify, created_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING 1",
        (event.id, event.type, list(event.subjects), event.voter, Json(event.data),
         event.notify, event.created_at)).fetchone()
    return row is not None


def write_events(conn: Connection, raw_events: list[dict[str, Any]], result: Any) -> None:
    """Write the events of a change that succeeded and queue mail to their followers."""
    for raw in raw_events:
        done = complete_event(raw, result)
        if done is None:
            continue
        event = event_from(done)
        if not _insert_event(conn, event):
            continue
        if event.notify and event.type in MAIL_EVENTS:
            conn.execute(_FAN_OUT, {"event": event.id, "consumer": MAIL,
                                    "at": event.created_at, "subjects": list(event.subjects),
                                    "voter": event.voter})
        webhooks.fan_out(conn, event)


def list_events(conn: Connection, *, subjects: Collection[str] | None = None,
                voter: str | None = None, after: datetime | None = None,
                types: Collection[str] | None = None, limit: int = 100) -> list[Event]:
    """Return events newest first (see ``Store.list_events``)."""
    where: list[str] = ["true"]
    params: list[Any] = []
    if subjects is not None or voter is not None:
        where.append("(subjects && %s::text[] OR (%s::text IS NOT NULL AND voter_id = %s))")
        params += [sorted(subjects or ()), voter, voter]
    if after is not None:
        where.append("created_at > %s")
        params.append(after)
    if types is not None:
        where.append("type = ANY(%s)")
        params.append(sorted(types))
    rows = conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)}"
                        " ORDER BY seq DESC LIMIT %s", [*params, limit]).fetchall()
    return [_event(row) for row in rows]


def add_events(conn: Connection) -> None:
    """The step of ``Store.add_events``: the events handed to it are all it writes."""

def request_follow(conn: Connection, follow: Follow, event: dict[str, Any]) -> None:
    """Store the unconfirmed follow, its event and the confirmation mail's delivery."""
    request = event_from(event)
    with conn.transaction():
        conn.execute(
            f"INSERT INTO follows ({_FOLLOW_COLUMNS}, subject)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (follow.id, follow.kind, follow.item, follow.jam, follow.email, follow.voter_id,
             follow.created_at, None, follow.lang, follow.subject))
        _insert_event(conn, request)
        conn.execute("INSERT INTO deliveries (event_id, consumer, recipient, address,"
                     " next_attempt, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                     (request.id, CONFIRM, follow.id, follow.email, request.created_at,
                      request.created_at))


def get_follow(conn: Connection, follow_id: str) -> Follow | None:
    """Return one follow."""
    row = conn.execute(f"SELECT {_FOLLOW_COLUMNS} FROM follows WHERE id = %s",
                       (follow_id,)).fetchone()
    return _follow(row) if row else None


def follow_addresses(conn: Connection, voter_id: str) -> set[str]:
    """Return the addresses the voter gave to follow things."""
    rows = conn.execute("SELECT email FROM follows WHERE voter_id = %s", (voter_id,))
    return {str(row[0]) for row in rows}


def confirm_follow(conn: Connection, follow_id: str, *, at: datetime) -> Follow:
    """Confirm once (a repeat returns the confirmed follow); expired requests are gone."""
    row = conn.execute(
        "UPDATE follows SET confirmed_at = coalesce(confirmed_at, %(at)s) WHERE id = %(id)s"
        " AND (confirmed_at IS NOT NULL OR created_at >= %(oldest)s)"
        f" RETURNING {_FOLLOW_COLUMNS}",
        {"at": at, "id": follow_id, "oldest": at - CONFIRM_WINDOW}).fetchone()
    if row is None:
        raise Gone("This link is unknown or has expired.")
    return _follow(row)


def _drop(conn: Connection, where: str, params: dict[str, Any]) -> int:
    """Delete matching follows; their undelivered mail fails with the address removed."""
    with conn.transaction():
        gone = conn.execute(f"DELETE FROM follows WHERE {where} RETURNING id, lower(email)",
                            params).fetchall()
        if gone:
            conn.execute(
                "UPDATE deliveries SET status = 'failed', address = NULL, claim = NULL,"
                " last_error = 'unsubscribed' WHERE status = 'pending'"
                " AND (recipient = ANY(%s) OR lower(address) = ANY(%s))",
                ([row[0] for row in gone], [row[1] for row in gone]))
        return len(gone)


def unsubscribe(conn: Connection, follow_id: str) -> int:
    """Remove every follow of the address this follow names."""
    with conn.transaction():
        row = conn.execute("SELECT email FROM follows WHERE id = %s", (follow_id,)).fetchone()
        if row is None:
            raise Gone("This link is unknown or was already used.")
        return _drop(conn, "lower(email) = lower(%(email)s)", {"email": row[0]})


def erase_follows(conn: Connection, voter_id: str) -> int:
    """Remove the voter's follows and feed token; their events no longer name them."""
    with conn.transaction():
        conn.execute("DELETE FROM feed_tokens WHERE voter_id = %s", (voter_id,))
        conn.execute("UPDATE events SET voter_id = NULL WHERE voter_id = %s", (voter_id,))
        mine = conn.execute("SELECT id, lower(email) FROM follows WHERE voter_id = %s",
                            (voter_id,)).fetchall()
        if mine:  # the requests' token and title, and every delivery's address (sent too)
            ids, addresses = [r[0] for r in mine], [r[1] for r in mine]
            conn.execute("UPDATE events SET data = '{}' WHERE subjects && %s::text[]",
                         ([f"follow:{i}" for i in ids],))
            conn.execute("UPDATE deliveries SET address = NULL WHERE address IS NOT NULL"
                         " AND (recipient = ANY(%s) OR lower(address) = ANY(%s))",
                         (ids, addresses))
        return _drop(conn, "voter_id = %(voter)s", {"voter": voter_id})


def purge_follows(conn: Connection, now: datetime) -> int:
    """Delete unconfirmed requests older than the confirmation window."""
    return _drop(conn, "confirmed_at IS NULL AND created_at < %(oldest)s",
                 {"oldest": now - CONFIRM_WINDOW})


def follower_counts(conn: Connection) -> dict[str, int]:
    """Confirmed followers per subject."""
    rows = conn.execute("SELECT subject, count(*) FROM follows WHERE confirmed_at IS NOT NULL"
                        " GROUP BY subject ORDER BY subject").fetchall()
    return {subject: int(n) for subject, n in rows}


def followed_by(conn: Connection, voter_id: str) -> set[str]:
    """The subjects this voter asked to follow (uses the ``follows_voter`` index)."""
    rows = conn.execute("SELECT DISTINCT subject FROM follows WHERE voter_id = %s",
                        (voter_id,)).fetchall()
    return {str(row[0]) for row in rows}


def feed_token(conn: Connection, voter_id: str, token: str) -> str:
    """Return the voter's token, storing ``token`` if there is none (a race keeps one)."""
    conn.execute("INSERT INTO feed_tokens (token, voter_id) VALUES (%s, %s)"
                 " ON CONFLICT DO NOTHING", (token, voter_id))
    row = conn.execute("SELECT token FROM feed_tokens WHERE voter_id = %s",
                       (voter_id,)).fetchone()
    assert row is not None
    return str(row[0])


def feed_voter(conn: Connection, token: str) -> str | None:
    """Return the voter a token belongs to."""
    row = conn.execute("SELECT voter_id FROM feed_tokens WHERE token = %s",
                       (token,)).fetchone()
    return row[0] if row else None


def _with_events(conn: Connection, rows: Sequence[Sequence[Any]]) -> list[Delivery]:
    ids = sorted({row[1] for row in rows})
    events = {e.id: e for e in (_event(r) for r in conn.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ANY(%s)", (ids,)).fetchall())}
    return [_delivery(row, events.get(row[1])) for row in rows]


def claim_deliveries(conn: Connection, consumer: str, *, now: datetime, lease: timedelta,
                     claim: str, limit: int = 20, created_before: datetime | None = None
                     ) -> list[Delivery]:
    """Claim due rows that no other sender holds right now, oldest first."""
    rows = conn.execute(_CLAIM, {"claim": claim, "until": now + lease, "consumer": consumer,
                                 "now": now, "before": created_before,
                                 "limit": limit}).fetchall()
    rows.sort(key=lambda row: row[0])
    return _with_events(conn, rows) if rows else []


def finish_delivery(conn: Connection, delivery_id: str, claim: str, *, at: datetime,
                    error: str | None = None, retry_at: datetime | None = None) -> bool:
    """Record the attempt if ``claim`` still holds the row."""
    status = "sent" if error is None else ("pending" if retry_at is not None else "failed")
    row = conn.execute(_FINISH, {"status": status, "retry": retry_at, "error": error,
                                 "sent": at if error is None else None,
                                 "id": int(delivery_id), "claim": claim}).fetchone()
    return row is not None


def insert_event(conn: Connection, event: Event) -> bool:
    """Write one event (a no-op when its id is known); true when it was new."""
    return _insert_event(conn, event)


def delivery_with_event(conn: Connection, delivery_id: str) -> Delivery:
    """One delivery, with its event."""
    row = conn.execute(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d WHERE id = %s",
                       (int(delivery_id),)).fetchone()
    assert row is not None
    return _with_events(conn, [row])[0]


def list_deliveries(conn: Connection, consumer: str | None = None, *, limit: int = 200
                    ) -> list[Delivery]:
    """Newest first, with events."""
    rows = conn.execute(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d"
                        " WHERE %s::text IS NULL OR consumer = %s ORDER BY id DESC LIMIT %s",
                        (consumer, consumer, limit)).fetchall()
    return _with_events(conn, rows) if rows else []
