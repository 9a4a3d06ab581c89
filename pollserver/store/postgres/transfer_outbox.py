"""The second-stage tables of a migration: outbox, webhooks and editor sessions.

``transfer.py`` copies the first-stage facts (votes, ideas, answers, codes); this module copies
what came after them in the snapshot format of the embedded store (``memory/outbox.py``,
``memory/webhooks.py``): events, follows (confirmed and pending), deliveries with their state,
feed tokens, webhook endpoints with their secrets, the webhook log and editor sessions. Without
them a migrated hub would forget its followers, re-send nothing that was pending, hand readers
new feed URLs and sign webhooks with secrets the receivers never saw.

Row ids that other rows refer to (deliveries, webhook attempts) keep their numbers, and the
sequences behind them continue after the highest one, so later rows never reuse an id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from psycopg import Cursor
from psycopg.types.json import Json

__all__ = ["OUTBOX_TABLES", "export_outbox", "import_outbox"]

Tables = dict[str, dict[str, dict[str, Any]]]

#: Target tables that must be empty before an import (checked with the first-stage ones).
OUTBOX_TABLES = ("events", "follows", "deliveries", "feed_tokens", "webhooks",
                 "webhook_attempts", "editor_sessions")


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _docs(tables: Tables, name: str) -> list[dict[str, Any]]:
    return list(tables.get(name, {}).values())


def _id(value: object) -> int | None:
    """A numeric row id as a number (``None`` for one PostgreSQL cannot keep)."""
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _advance(cur: Cursor[Any], table: str, floor: int) -> None:
    """Make ``table``'s id sequence continue after ``floor`` and after every row's id."""
    cur.execute(f"SELECT greatest(%s, coalesce(max(id), 0)) FROM {table}", (floor,))
    row = cur.fetchone()
    top = int(row[0]) if row else 0
    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, %s)",
                (max(top, 1), top > 0))


def import_outbox(cur: Cursor[Any], tables: Tables) -> dict[str, int]:
    """Write the second-stage tables (inside the import's transaction); return row counts."""
    events = _docs(tables, "events")
    cur.executemany(
        "INSERT INTO events (id, type, subjects, data, created_at, notify, voter_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [(d["id"], d["type"], list(d["subjects"]), Json(d.get("data") or {}),
          _ts(d["created_at"]), bool(d.get("notify", True)), d.get("voter"))
         for d in events])
    follows = _docs(tables, "follows")
    cur.executemany(
        "INSERT INTO follows (id, kind, item_id, subject, jam_id, email, voter_id, created_at,"
        " confirmed_at, lang) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [(d["id"], d["kind"], d["item"], f"{d['kind']}:{d['item']}", d.get("jam"), d["email"],
          d.get("voter_id"), _ts(d["created_at"]), _ts(d.get("confirmed_at")),
          d.get("lang") or "")
         for d in follows])
    deliveries = _docs(tables, "deliveries")
    numbered = [d for d in deliveries if _id(d["id"]) is not None]
    cur.executemany(
        "INSERT INTO deliveries (id, event_id, consumer, recipient, address, status, attempts,"
        " next_attempt, created_at, claim, last_error, sent_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [(_id(d["id"]), *_delivery_values(d)) for d in numbered])
    # Ids that are not numbers (none are written today) get fresh ones after the rest.
    _advance(cur, "deliveries", _delivery_seq(tables))
    cur.executemany(
        "INSERT INTO deliveries (event_id, consumer, recipient, address, status, attempts,"
        " next_attempt, created_at, claim, last_error, sent_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [_delivery_values(d) for d in deliveries if _id(d["id"]) is None])
    tokens = _docs(tables, "feed_tokens")
    cur.executemany("INSERT INTO feed_tokens (token, voter_id) VALUES (%s, %s)",
                    [(d["token"], d["voter"]) for d in tokens])
    endpoints = _docs(tables, "webhooks")
    cur.executemany(
        "INSERT INTO webhooks (id, url, secret, events, created_at, enabled, include_text,"
        " description, failing_since, disabled_reason)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [(d["id"], d["url"], d["secret"], list(d["events"]), _ts(d["created_at"]),
          bool(d.get("enabled", True)), bool(d.get("include_text")), d.get("description", ""),
          _ts(d.get("failing_since")), d.get("disabled_reason", "")) for d in endpoints])
    attempts = sorted(_docs(tables, "webhook_attempts"), key=lambda d: _id(d.get("id")) or 0)
    cur.executemany(
        "INSERT INTO webhook_attempts (id, endpoint_id, delivery_id, event_id, event_type, at,"
        " ok, status, duration_ms, error, body)"
        " VALUES (coalesce(%s, nextval(pg_get_serial_sequence('webhook_attempts', 'id'))),"
        " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [(_id(d.get("id")), d["endpoint_id"], str(d["delivery_id"]), d["event_id"],
          d["event_type"], _ts(d["at"]), bool(d["ok"]), int(d["status"]),
          int(d["duration_ms"]), d.get("error", ""), d.get("body", "")) for d in attempts])
    _advance(cur, "webhook_attempts", 0)
    sessions = _docs(tables, "editor_sessions")
    cur.executemany("INSERT INTO editor_sessions (session_hash, username, created_at)"
                    " VALUES (%s, %s, %s)",
                    [(d["session"], d["username"], _ts(d["at"])) for d in sessions])
    return {"events": len(events), "follows": len(follows), "deliveries": len(deliveries),
            "feed_tokens": len(tokens), "webhooks": len(endpoints),
            "webhook_attempts": len(attempts), "editor_sessions": len(sessions)}


def _delivery_values(d: dict[str, Any]) -> tuple[Any, ...]:
    return (d["event_id"], d["consumer"], d["recipient"], d.get("address"),
            d.get("status", "pending"), int(d.get("attempts", 0)), _ts(d["next_attempt"]),
            _ts(d["created_at"]), d.get("claim"), d.get("last_error", ""),
            _ts(d.get("sent_at")))


def _delivery_seq(tables: Tables) -> int:
    metas = _docs(tables, "outbox_meta")
    return max([0, *(int(m.get("delivery_seq", 0)) for m in metas)])


def _rows(docs: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i): doc for i, doc in enumerate(docs, 1)}


def export_outbox(cur: Cursor[Any]) -> Tables:
    """Read the second-stage tables (inside the export's snapshot transaction)."""
    events = [{"id": i, "type": t, "subjects": list(s), "data": data,
               "created_at": _iso(at), "notify": notify, "voter": voter}
              for i, t, s, data, at, notify, voter in cur.execute(
                  "SELECT id, type, subjects, data, created_at, notify, voter_id FROM events"
                  " ORDER BY seq").fetchall()]
    follows = [{"id": i, "kind": kind, "item": item, "jam": jam, "email": email,
                "voter_id": voter, "created_at": _iso(at), "confirmed_at": _iso(confirmed),
                "lang": lang}
               for i, kind, item, jam, email, voter, at, confirmed, lang in cur.execute(
                   "SELECT id, kind, item_id, jam_id, email, voter_id, created_at, confirmed_at,"
                   " lang FROM follows ORDER BY created_at, id").fetchall()]
    deliveries = [{"id": str(i), "event_id": event, "consumer": consumer,
                   "recipient": recipient, "address": address, "status": status,
                   "attempts": attempts, "next_attempt": _iso(due), "created_at": _iso(at),
                   "claim": claim, "last_error": error, "sent_at": _iso(sent)}
                  for i, event, consumer, recipient, address, status, attempts, due, at,
                  claim, error, sent in cur.execute(
                      "SELECT id, event_id, consumer, recipient, address, status, attempts,"
                      " next_attempt, created_at, claim, last_error, sent_at FROM deliveries"
                      " ORDER BY id").fetchall()]
    row = cur.execute("SELECT greatest((SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
                      " FROM deliveries_id_seq), (SELECT coalesce(max(id), 0) FROM deliveries))"
                      ).fetchone()
    delivery_seq = int(row[0]) if row else 0
    tokens = [{"token": token, "voter": voter} for token, voter in cur.execute(
        "SELECT token, voter_id FROM feed_tokens ORDER BY token").fetchall()]
    endpoints = [{"id": i, "url": url, "secret": secret, "events": list(types),
                  "created_at": _iso(at), "enabled": enabled, "include_text": text,
                  "description": description, "failing_since": _iso(failing),
                  "disabled_reason": reason}
                 for i, url, secret, types, at, enabled, text, description, failing, reason
                 in cur.execute(
                     "SELECT id, url, secret, events, created_at, enabled, include_text,"
                     " description, failing_since, disabled_reason FROM webhooks"
                     " ORDER BY seq").fetchall()]
    # Numbered 1..n in their order: the embedded store numbers the next one n+1, and no row
    # refers to an attempt, so gaps left by removed endpoints need not travel.
    attempts = [{"endpoint_id": endpoint, "delivery_id": delivery, "event_id": event,
                 "event_type": type_, "at": _iso(at), "ok": ok, "status": status,
                 "duration_ms": ms, "error": error, "body": body, "id": str(n)}
                for n, (endpoint, delivery, event, type_, at, ok, status, ms, error, body, _)
                in enumerate(cur.execute(
                    "SELECT endpoint_id, delivery_id, event_id, event_type, at, ok, status,"
                    " duration_ms, error, body, id FROM webhook_attempts ORDER BY id"
                    ).fetchall(), 1)]
    sessions = [{"session": key, "username": name, "at": _iso(at)}
                for key, name, at in cur.execute(
                    "SELECT session_hash, username, created_at FROM editor_sessions"
                    " ORDER BY created_at, session_hash").fetchall()]
    return {"events": _rows(events), "follows": _rows(follows),
            "deliveries": _rows(deliveries), "feed_tokens": _rows(tokens),
            "outbox_meta": _rows([{"delivery_seq": delivery_seq}]),
            "webhooks": _rows(endpoints), "webhook_attempts": _rows(attempts),
            "editor_sessions": _rows(sessions)}
