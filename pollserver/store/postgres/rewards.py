"""Reward code pools in PostgreSQL: load, claim in load order, revoke what is unclaimed.

A claim takes the oldest free code with ``FOR UPDATE SKIP LOCKED``, so parallel claimers each
get a different code without waiting on one another, and the unique (pool, voter) constraint
makes a second code for the same voter impossible even when one voter claims twice at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from psycopg import Connection, errors

if TYPE_CHECKING:
    from pollserver.store.postgres.store import PostgresStore

__all__ = ["add_codes", "claim_code", "code_of", "insert_codes", "pool_stats", "revoke_codes"]

_NAME_POOL = "INSERT INTO code_pools (pool) VALUES (%s) ON CONFLICT DO NOTHING"

# ORDER BY in the subquery makes the column default (the load position) follow the given order.
_ADD = """
INSERT INTO codes (pool, code)
SELECT %s, u.code FROM unnest(%s::text[]) WITH ORDINALITY AS u(code, i) ORDER BY u.i
ON CONFLICT (pool, code) DO NOTHING
RETURNING 1
"""

_CLAIM = """
UPDATE codes SET voter_id = %(voter)s, claimed_at = %(at)s
WHERE pool = %(pool)s AND code = (
    SELECT code FROM codes WHERE pool = %(pool)s AND voter_id IS NULL
    ORDER BY pos LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING code
"""


def add_codes(store: PostgresStore, pool: str, codes: Iterable[str]) -> int:
    """The store's call: :func:`insert_codes` as one step, with the codes as a list (a
    deadlock retry reads them again)."""
    return store.run(insert_codes, pool, list(codes))


def insert_codes(conn: Connection, pool: str, codes: Sequence[str]) -> int:
    """Load codes in order, skipping blanks, repeats and codes the pool already holds."""
    fresh = [code for code in dict.fromkeys(c.strip() for c in codes) if code]
    with conn.transaction():
        conn.execute(_NAME_POOL, (pool,))
        if not fresh:
            return 0
        return len(conn.execute(_ADD, (pool, fresh)).fetchall())


def code_of(conn: Connection, pool: str, voter_id: str) -> str | None:
    """Return the code the voter holds from the pool."""
    row = conn.execute("SELECT code FROM codes WHERE pool = %s AND voter_id = %s",
                       (pool, voter_id)).fetchone()
    return row[0] if row else None


def claim_code(conn: Connection, pool: str, voter_id: str, *, at: datetime) -> str | None:
    """Give the voter the oldest free code, or the one they hold; ``None`` when none is left."""
    held = code_of(conn, pool, voter_id)
    if held is not None:
        return held
    while True:
        try:
            with conn.transaction():
                conn.execute(_NAME_POOL, (pool,))
                row = conn.execute(_CLAIM, {"pool": pool, "voter": voter_id,
                                            "at": at}).fetchone()
        except errors.UniqueViolation:
            # The same voter won a parallel claim a moment ago: theirs is the one to hand out.
            return code_of(conn, pool, voter_id)
        if row is not None:
            return row[0]
        # Nothing unlocked was free. Codes locked by other claimers may still come back if
        # those claims roll back, so only report "empty" once no free code exists at all.
        free = conn.execute("SELECT EXISTS (SELECT 1 FROM codes WHERE pool = %s"
                            " AND voter_id IS NULL)", (pool,)).fetchone()
        if not free or not free[0]:
            return code_of(conn, pool, voter_id)
        time.sleep(0.005)


def pool_stats(conn: Connection) -> dict[str, tuple[int, int]]:
    """Return ``{pool: (codes, claimed)}`` for every pool holding codes, sorted by name."""
    rows = conn.execute(
        "SELECT p.pool, count(c.code), count(c.voter_id) FROM code_pools p"
        " JOIN codes c ON c.pool = p.pool GROUP BY p.pool").fetchall()
    return {pool: (int(total), int(claimed)) for pool, total, claimed in sorted(rows)}


def revoke_codes(conn: Connection, pool: str) -> int:
    """Delete the pool's unclaimed codes; a claim in flight keeps the code it locked."""
    with conn.transaction():
        conn.execute(_NAME_POOL, (pool,))
        return conn.execute("DELETE FROM codes WHERE pool = %s AND voter_id IS NULL",
                            (pool,)).rowcount
