"""SQL for status history (table ``status_history``, migration 0010)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection

from pollserver.domain.statuses import StatusChange

__all__ = ["export_history", "import_history", "record_status", "status_changes",
           "status_history"]


def record_status(conn: Connection, idea_id: str, status: str, at: datetime | None,
                  note: str) -> None:
    """Add one change; call it inside the transaction that changes the status."""
    conn.execute("INSERT INTO status_history (idea_id, status, at, note)"
                 " VALUES (%s, %s, %s, %s)", (idea_id, status, at, note))


def _change(row: tuple[str, str, datetime | None, str]) -> StatusChange:
    return StatusChange(idea_id=row[0], status=row[1], at=row[2], note=row[3])


def status_history(conn: Connection, idea_id: str) -> list[StatusChange]:
    """Return one idea's changes, oldest first."""
    rows = conn.execute("SELECT idea_id, status, at, note FROM status_history"
                        " WHERE idea_id = %s ORDER BY seq", (str(idea_id),)).fetchall()
    return [_change(row) for row in rows]


def status_changes(conn: Connection, limit: int = 500) -> list[StatusChange]:
    """Return the latest changes of every idea, newest first."""
    rows = conn.execute("SELECT idea_id, status, at, note FROM status_history"
                        " ORDER BY seq DESC LIMIT %s", (limit,)).fetchall()
    return [_change(row) for row in rows]


def import_history(conn: Connection, docs: list[dict[str, Any]]) -> int:
    """Copy a snapshot's ``status_history`` rows (``pollserver migrate``), in order."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO status_history (idea_id, status, at, note) VALUES (%s, %s, %s, %s)",
            [(str(d["idea"]), d["status"],
              datetime.fromisoformat(d["at"]) if d.get("at") else None, d.get("note", ""))
             for d in docs])
    return len(docs)


def export_history(conn: Connection) -> list[dict[str, Any]]:
    """Return every change as snapshot rows, oldest first."""
    return [{"idea": i, "status": s, "at": at.isoformat() if at else None, "note": note}
            for i, s, at, note in conn.execute(
                "SELECT idea_id, status, at, note FROM status_history ORDER BY seq")]
