"""Copy everything from one store to another (``pollserver migrate --from var/ --to ...``).

The copy goes through the snapshot table format of ``documents.py``: the embedded stores hand
out their state as tables, the PostgreSQL store exports and imports them, and an empty embedded
data dir takes them as its first snapshot (so the copy works both ways). Only facts travel
(votes, ideas, answers, codes, then the outbox: events, follows, deliveries, feed tokens,
webhook endpoints and their log, status history, editor sessions); the target derives its
tallies from them. ``migrate`` then compares every poll's tally, every idea's vote count and
every row of the second-stage tables on both sides before it reports success, so "identical"
is checked rather than hoped for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pollserver.domain.errors import Conflict
from pollserver.store.base import Store, Tables
from pollserver.store.memory.documents import from_tables
from pollserver.store.tinydb import snapshot
from pollserver.store.tinydb.journal import generations, journal_path

__all__ = ["COMPARED", "MigrationError", "migrate", "migrate_to_dir", "tables_of",
           "write_data_dir"]

#: Second-stage tables ``_verify`` compares row by row, with the fields that must agree
#: (row ids that only number rows, like webhook attempts', may be renumbered).
COMPARED: dict[str, tuple[str, ...]] = {
    "events": ("id", "type", "subjects", "data", "created_at", "notify", "voter"),
    "follows": ("id", "kind", "item", "jam", "email", "voter_id", "created_at",
                "confirmed_at", "lang"),
    "deliveries": ("id", "event_id", "consumer", "recipient", "address", "status",
                   "attempts", "next_attempt", "created_at", "claim", "last_error", "sent_at"),
    "feed_tokens": ("token", "voter"),
    "webhooks": ("id", "url", "secret", "events", "created_at", "enabled", "include_text",
                 "description", "failing_since", "disabled_reason"),
    "webhook_attempts": ("endpoint_id", "delivery_id", "event_id", "event_type", "at", "ok",
                         "status", "duration_ms", "error", "body"),
    "status_history": ("idea", "status", "at", "note"),
    "editor_sessions": ("session", "username", "at"),
    "api_tokens": ("name", "hash", "at", "by"),
    "share_tokens": ("voter", "token", "client"),
    "share_credits": ("sharer", "newcomer", "at", "rewarded"),
    "customers": ("voter", "hash", "at"),
}
#: Tables whose order is part of their meaning (event order, history order).
_ORDERED = ("events", "status_history", "webhook_attempts")
_TIMES = {"created_at", "confirmed_at", "next_attempt", "sent_at", "failing_since", "at"}


class MigrationError(RuntimeError):
    """The copy does not match its source (or a store cannot take part in a migration)."""


def tables_of(store: Store) -> Tables:
    """Return the store's whole state as snapshot tables."""
    try:
        return store.export_tables()
    except NotImplementedError as exc:
        raise MigrationError(str(exc)) from None


def migrate(source: Store, target: Store) -> dict[str, int]:
    """Copy ``source`` into the empty ``target`` and verify it; return rows copied per table."""
    tables = tables_of(source)
    try:
        counts = target.import_tables(tables)
    except NotImplementedError as exc:
        raise MigrationError(str(exc)) from None
    _verify(source, target, tables)
    return counts


def write_data_dir(tables: Tables, data_dir: Path) -> dict[str, int]:
    """Make ``tables`` the state of an embedded data dir that holds no store yet."""
    data_dir = Path(data_dir)
    if (data_dir / snapshot.FILENAME).exists() or any(
            journal_path(data_dir, g).stat().st_size for g in generations(data_dir)):
        raise Conflict(f"the target directory {data_dir} is not empty (it holds a store)")
    state, _ = from_tables(tables)
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = data_dir / ".migrate.json"
    try:
        # Installed as a restore is: a new generation, written atomically under the lock.
        snapshot.write(staged, state, {"format": snapshot.FORMAT, "n": 0})
        snapshot.restore(staged, data_dir)
    finally:
        staged.unlink(missing_ok=True)
    return {name: len(rows) for name, rows in tables.items()
            if not name.startswith("_") and name != "outbox_meta"}


def migrate_to_dir(source: Store, data_dir: Path,
                   open_dir: Callable[[Path], Store]) -> dict[str, int]:
    """Copy ``source`` into the empty embedded ``data_dir`` (opened with ``open_dir`` to check
    the copy as a restarted server would see it) and verify it; return rows per table."""
    tables = tables_of(source)
    counts = write_data_dir(tables, data_dir)
    target = open_dir(data_dir)
    try:
        _verify(source, target, tables)
    finally:
        target.close()
    return counts


def _verify(source: Store, target: Store, tables: Tables) -> None:
    """Raise ``MigrationError`` unless the two stores agree on every tally and idea count
    and on every row of the second-stage tables."""
    polls = {doc["poll"] for doc in tables.get("votes", {}).values()}
    polls |= {item.id for item in source.list_items("poll")}
    for poll in sorted(polls):
        if source.tally(poll) != target.tally(poll):
            raise MigrationError(f"poll {poll!r}: tally {target.tally(poll)} after the copy, "
                                 f"{source.tally(poll)} before")
    jams = {doc["jam_id"] for doc in tables.get("ideas", {}).values()}
    for jam in sorted(jams):
        before = [(i.id, i.votes, i.status) for i in source.list_ideas(jam)]
        after = [(i.id, i.votes, i.status) for i in target.list_ideas(jam)]
        if before != after:
            raise MigrationError(f"jam {jam!r}: ideas {after} after the copy, {before} before")
    # Pools that never held a code are not facts the snapshot format carries.
    pools_before, pools_after = ({pool: n for pool, n in store.pool_stats().items() if n[0]}
                                 for store in (source, target))
    if pools_before != pools_after:
        raise MigrationError(f"code pools {pools_after} after the copy, {pools_before} before")
    if source.list_champions() != target.list_champions():
        raise MigrationError("champion grants differ after the copy")
    if source.profile_rules() != target.profile_rules():
        raise MigrationError("profile rules differ after the copy")
    copied = tables_of(target)
    for name, fields in COMPARED.items():
        before_rows = _comparable(tables, name, fields)
        after_rows = _comparable(copied, name, fields)
        if len(before_rows) != len(after_rows):
            raise MigrationError(f"table {name}: {len(after_rows)} rows after the copy, "
                                 f"{len(before_rows)} before")
        for n, (old, new) in enumerate(zip(before_rows, after_rows, strict=True), 1):
            if old != new:  # name the fields only: rows hold addresses and secrets
                differ = [f for f, a, b in zip(fields, old, new, strict=True) if a != b]
                raise MigrationError(f"table {name}: row {n} differs after the copy in "
                                     f"{', '.join(differ)}")


def _comparable(tables: Tables, name: str, fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The table's rows as tuples of the compared fields, times as instants, in a fixed order
    (their own for ordered tables)."""
    rows = [tuple(_value(f, doc.get(f)) for f in fields)
            for doc in tables.get(name, {}).values()]
    return rows if name in _ORDERED else sorted(rows, key=repr)


def _value(field: str, value: Any) -> Any:
    if field in _TIMES and isinstance(value, str) and value:
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if field in ("id", "delivery_id") and value is not None:
        return str(value)
    return value
