"""SQL for verified customers (table ``customers``, migration 0015)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection

__all__ = ["export_customers", "import_customers", "is_verified", "mark_verified",
           "verified_voters"]


def mark_verified(conn: Connection, voter_id: str, customer_hash: str, at: datetime) -> None:
    """Insert or refresh the voter's mark (one upsert: two at once wait for each other)."""
    conn.execute("INSERT INTO customers (voter_id, customer_hash, at) VALUES (%s, %s, %s)"
                 " ON CONFLICT (voter_id) DO UPDATE SET customer_hash = EXCLUDED.customer_hash,"
                 " at = EXCLUDED.at", (voter_id, customer_hash, at))


def is_verified(conn: Connection, voter_id: str) -> bool:
    """Whether the voter has a mark."""
    return conn.execute("SELECT 1 FROM customers WHERE voter_id = %s",
                        (voter_id,)).fetchone() is not None


def verified_voters(conn: Connection) -> frozenset[str]:
    """Every marked voter id."""
    return frozenset(row[0] for row in conn.execute("SELECT voter_id FROM customers"))


def verified_poll_voters(conn: Connection, poll_id: str) -> int:
    """The poll's voters who are marked."""
    row = conn.execute("SELECT count(*) FROM poll_votes v JOIN customers c USING (voter_id) "
                       "WHERE v.poll_id = %s", (poll_id,)).fetchone()
    return int(row[0]) if row else 0


def import_customers(conn: Connection, tables: dict[str, dict[str, dict[str, Any]]]) -> int:
    """Copy a snapshot's ``customers`` rows (``pollserver migrate``)."""
    docs = list(tables.get("customers", {}).values())
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO customers (voter_id, customer_hash, at)"
                        " VALUES (%s, %s, %s)",
                        [(d["voter"], d["hash"], datetime.fromisoformat(d["at"]))
                         for d in docs])
    return len(docs)


def export_customers(conn: Connection) -> list[dict[str, Any]]:
    """Every mark as snapshot rows."""
    return [{"voter": v, "hash": h, "at": at.isoformat()} for v, h, at in conn.execute(
        "SELECT voter_id, customer_hash, at FROM customers ORDER BY voter_id")]
