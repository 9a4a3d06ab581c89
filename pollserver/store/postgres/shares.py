"""SQL for share tokens and credits (tables ``share_tokens``, ``share_credits``, migration
0018). A credit's reward cap is counted under a per-sharer transaction lock, so two credits
at once cannot both pass it; the newcomer's primary key makes a second credit impossible."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection

from pollserver.domain.shares import ShareCredit

__all__ = ["credit_share", "erase_shares", "export_shares", "friends_brought",
           "import_shares", "share_token", "sharer_of"]


def share_token(conn: Connection, voter_id: str, *, token: str, client: str) -> str:
    """Insert the voter's token (or keep theirs) and note their client hash; one upsert that
    writes no new row version when the client is unchanged (pages ask on every view)."""
    row = conn.execute("INSERT INTO share_tokens (voter_id, token, client) VALUES (%s, %s, %s)"
                       " ON CONFLICT (voter_id) DO UPDATE SET client = EXCLUDED.client"
                       " WHERE share_tokens.client IS DISTINCT FROM EXCLUDED.client"
                       " RETURNING token", (voter_id, token, client)).fetchone()
    if row is None:  # held already with this client
        row = conn.execute("SELECT token FROM share_tokens WHERE voter_id = %s",
                           (voter_id,)).fetchone()
    assert row is not None
    return str(row[0])


def sharer_of(conn: Connection, token: str) -> tuple[str, str] | None:
    """Return the token's voter and their client hash."""
    row = conn.execute("SELECT voter_id, client FROM share_tokens WHERE token = %s",
                       (token,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def credit_share(conn: Connection, sharer: str, newcomer: str, *, at: datetime,
                 reward_cap: int) -> ShareCredit | None:
    """Insert the newcomer's credit unless there is one; rewarded within the day's cap."""
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('share:' || %s))", (sharer,))
        row = conn.execute("SELECT count(*) FROM share_credits WHERE sharer = %s AND rewarded"
                           " AND at >= %s AND at < %s",
                           (sharer, day, day + timedelta(days=1))).fetchone()
        rewarded = (int(row[0]) if row else 0) < reward_cap
        done = conn.execute("INSERT INTO share_credits (newcomer, sharer, at, rewarded)"
                            " VALUES (%s, %s, %s, %s) ON CONFLICT (newcomer) DO NOTHING"
                            " RETURNING newcomer", (newcomer, sharer, at, rewarded)).fetchone()
    return ShareCredit(sharer, newcomer, at, rewarded) if done else None


def friends_brought(conn: Connection, voter_id: str) -> int:
    """How many newcomers the voter was credited for."""
    row = conn.execute("SELECT count(*) FROM share_credits WHERE sharer = %s",
                       (voter_id,)).fetchone()
    return int(row[0]) if row else 0


def erase_shares(conn: Connection, voter_id: str) -> int:
    """Delete the voter's token and every credit naming them."""
    with conn.transaction():
        gone = conn.execute("DELETE FROM share_tokens WHERE voter_id = %s", (voter_id,)).rowcount
        gone += conn.execute("DELETE FROM share_credits WHERE sharer = %s OR newcomer = %s",
                             (voter_id, voter_id)).rowcount
    return gone


def import_shares(conn: Connection, tables: dict[str, dict[str, dict[str, Any]]]
                  ) -> dict[str, int]:
    """Copy a snapshot's ``share_tokens`` and ``share_credits`` (``pollserver migrate``)."""
    tokens = list(tables.get("share_tokens", {}).values())
    credits = list(tables.get("share_credits", {}).values())
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO share_tokens (voter_id, token, client) VALUES (%s, %s, %s)",
                        [(d["voter"], d["token"], d.get("client", "")) for d in tokens])
        cur.executemany("INSERT INTO share_credits (newcomer, sharer, at, rewarded)"
                        " VALUES (%s, %s, %s, %s)",
                        [(d["newcomer"], d["sharer"], datetime.fromisoformat(d["at"]),
                          bool(d["rewarded"])) for d in credits])
    return {"share_tokens": len(tokens), "share_credits": len(credits)}


def export_shares(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Return tokens and credits as snapshot rows."""
    tokens = [{"voter": v, "token": t, "client": c} for v, t, c in conn.execute(
        "SELECT voter_id, token, client FROM share_tokens ORDER BY voter_id")]
    credits = [{"sharer": s, "newcomer": n, "at": at.isoformat(), "rewarded": r}
               for n, s, at, r in conn.execute(
                   "SELECT newcomer, sharer, at, rewarded FROM share_credits ORDER BY at")]
    return {"share_tokens": tokens, "share_credits": credits}
