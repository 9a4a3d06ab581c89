"""SQL for editor API tokens (table ``api_tokens``, migration 0012)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection, errors

from pollserver.domain.errors import Conflict
from pollserver.domain.tokens import ApiToken

__all__ = ["add_token", "export_tokens", "find_token", "import_tokens", "list_tokens",
           "revoke_token"]

_COLUMNS = "name, token_hash, created_at, created_by"


def add_token(conn: Connection, token: ApiToken) -> ApiToken:
    """Insert the token; a taken name is a ``Conflict`` (the primary key decides)."""
    try:
        with conn.transaction():
            conn.execute(f"INSERT INTO api_tokens ({_COLUMNS}) VALUES (%s, %s, %s, %s)",
                         (token.name, token.token_hash, token.created_at, token.created_by))
    except errors.UniqueViolation:
        raise Conflict(f"A token named {token.name!r} exists; revoke it first.") from None
    return token


def list_tokens(conn: Connection) -> list[ApiToken]:
    """Every token, oldest first."""
    return [ApiToken(*row) for row in conn.execute(
        f"SELECT {_COLUMNS} FROM api_tokens ORDER BY seq")]


def revoke_token(conn: Connection, name: str) -> bool:
    """Delete the named token; whether there was one."""
    return conn.execute("DELETE FROM api_tokens WHERE name = %s", (name,)).rowcount > 0


def find_token(conn: Connection, token_hash: str) -> ApiToken | None:
    """The token with this hash (one unique-index lookup)."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM api_tokens WHERE token_hash = %s",
                       (token_hash,)).fetchone()
    return ApiToken(*row) if row else None


def import_tokens(conn: Connection, tables: dict[str, dict[str, dict[str, Any]]]) -> int:
    """Copy a snapshot's ``api_tokens`` rows (``pollserver migrate``)."""
    docs = list(tables.get("api_tokens", {}).values())
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO api_tokens ({_COLUMNS}) VALUES (%s, %s, %s, %s)",
                        [(d["name"], d["hash"], datetime.fromisoformat(d["at"]),
                          d.get("by", "")) for d in docs])
    return len(docs)


def export_tokens(conn: Connection) -> list[dict[str, Any]]:
    """Every token as snapshot rows, oldest first."""
    return [{"name": t.name, "hash": t.token_hash, "at": t.created_at.isoformat(),
             "by": t.created_by} for t in list_tokens(conn)]
