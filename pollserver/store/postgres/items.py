"""Items (polls, jams, surveys) in PostgreSQL: sync from the manifest, read, close early."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.types.json import Json

from pollserver.domain.errors import NotFound
from pollserver.domain.records import Item, SyncReport

__all__ = ["get_item", "list_items", "set_closed_at", "sync_items"]

_COLUMNS = "kind, id, spec, source, url, archived, closed_at"


def _item(row: Sequence[Any]) -> Item:
    return Item(kind=row[0], id=row[1], spec=row[2], source=row[3], url=row[4],
                archived=row[5], closed_at=row[6])


def sync_items(conn: Connection, items: Sequence[Item]) -> SyncReport:
    """Upsert the manifest's items and archive the missing ones, as one transaction.

    The table lock (which still lets readers and voters through) makes two ``pollserver sync``
    runs take turns, so each one compares against what the other wrote.
    """
    report = SyncReport()
    with conn.transaction():
        conn.execute("LOCK TABLE items IN SHARE ROW EXCLUSIVE MODE")
        rows = conn.execute(f"SELECT {_COLUMNS} FROM items ORDER BY pos").fetchall()
        current = {(row[0], row[1]): _item(row) for row in rows}
        seen = set()
        for given in items:
            key = (given.kind, given.id)
            seen.add(key)
            new = Item(kind=given.kind, id=given.id, spec=given.spec, source=given.source,
                       url=given.url)
            old = current.get(key)
            label = f"{given.kind}:{given.id}"
            if old is None:
                conn.execute(
                    "INSERT INTO items (kind, id, spec, source, url) VALUES (%s, %s, %s, %s, %s)",
                    (new.kind, new.id, Json(new.spec), new.source, new.url))
                current[key] = new
                report.created.append(label)
            elif (old.spec, old.source, old.url, old.archived) != (
                    new.spec, new.source, new.url, False):
                # A changed item keeps an early close an editor made in /admin.
                conn.execute(
                    "UPDATE items SET spec = %s, source = %s, url = %s, archived = false"
                    " WHERE kind = %s AND id = %s",
                    (Json(new.spec), new.source, new.url, new.kind, new.id))
                current[key] = replace(new, closed_at=old.closed_at)
                report.updated.append(label)
            else:
                report.unchanged.append(label)
        gone = [key for key, item in current.items() if key not in seen and not item.archived]
        for kind, item_id in gone:
            conn.execute("UPDATE items SET archived = true WHERE kind = %s AND id = %s",
                         (kind, item_id))
            report.archived.append(f"{kind}:{item_id}")
    return report


def get_item(conn: Connection, kind: str, item_id: str) -> Item | None:
    """Return one item, archived or not."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM items WHERE kind = %s AND id = %s",
                       (kind, item_id)).fetchone()
    return _item(row) if row else None


def list_items(conn: Connection, kind: str | None = None) -> list[Item]:
    """Return the items ordered by kind then id, compared as Python compares strings."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM items WHERE %(kind)s::text IS NULL OR kind = %(kind)s"
        ' ORDER BY kind COLLATE "C", id COLLATE "C"', {"kind": kind}).fetchall()
    return [_item(row) for row in rows]


def set_closed_at(conn: Connection, kind: str, item_id: str, closed_at: datetime | None) -> None:
    """Close an item early or reopen it; raise ``NotFound`` for an unknown item."""
    cur = conn.execute("UPDATE items SET closed_at = %s WHERE kind = %s AND id = %s",
                       (closed_at, kind, item_id))
    if cur.rowcount == 0:
        raise NotFound(f"No {kind} called {item_id!r}.")
