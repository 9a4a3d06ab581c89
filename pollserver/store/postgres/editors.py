"""Editor accounts and the audit log in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from psycopg import Connection
from psycopg.types.json import Json

from pollserver.domain.records import AuditEntry

__all__ = ["add_audit", "add_editor_session", "editor_session", "get_admin", "list_audit",
           "put_admin", "revoke_editor_sessions"]


def put_admin(conn: Connection, username: str, password_hash: str) -> None:
    """Create the account or replace its password hash."""
    conn.execute("INSERT INTO admins (username, password_hash) VALUES (%s, %s)"
                 " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash",
                 (username, password_hash))


def get_admin(conn: Connection, username: str) -> str | None:
    """Return the account's password hash."""
    row = conn.execute("SELECT password_hash FROM admins WHERE username = %s",
                       (username,)).fetchone()
    return row[0] if row else None


def add_audit(conn: Connection, entry: AuditEntry) -> None:
    """Append one entry; the serial id records the order."""
    conn.execute("INSERT INTO audit (at, actor, action, target, details)"
                 " VALUES (%s, %s, %s, %s, %s)",
                 (entry.at, entry.actor, entry.action, entry.target, Json(entry.details)))


def list_audit(conn: Connection, limit: int = 500) -> list[AuditEntry]:
    """Return the newest ``limit`` entries, newest first (all of them for ``limit`` 0)."""
    query = "SELECT at, actor, action, target, details FROM audit ORDER BY id DESC"
    rows = (conn.execute(query + " LIMIT %s", (limit,)) if limit > 0
            else conn.execute(query)).fetchall()
    return [AuditEntry(at=at, actor=actor, action=action, target=target, details=details)
            for at, actor, action, target, details in rows]


def add_editor_session(conn: Connection, session_hash: str, username: str, *,
                       at: datetime) -> None:
    """Remember a signed-in editor's session by the hash of its id."""
    conn.execute("INSERT INTO editor_sessions (session_hash, username, created_at)"
                 " VALUES (%s, %s, %s) ON CONFLICT (session_hash) DO NOTHING",
                 (session_hash, username, at))


def editor_session(conn: Connection, session_hash: str) -> str | None:
    """Return the editor of a live session."""
    row = conn.execute("SELECT username FROM editor_sessions WHERE session_hash = %s",
                       (session_hash,)).fetchone()
    return row[0] if row else None


def revoke_editor_sessions(conn: Connection, *, session_hash: str | None = None,
                           username: str | None = None) -> int:
    """Delete one session, or every session of one editor; return how many went."""
    if session_hash is not None:
        cursor = conn.execute("DELETE FROM editor_sessions WHERE session_hash = %s",
                              (session_hash,))
    else:
        cursor = conn.execute("DELETE FROM editor_sessions WHERE username = %s", (username,))
    return cursor.rowcount
