"""Poll votes in PostgreSQL: one row per (poll, voter) and tallies updated with it.

Why it cannot double count: the vote row's primary key decides who voted, and the tally rows
change in the same transaction only when that row was really inserted (or, for a change of
mind, under the vote row's lock). Tallies are split over :data:`SHARDS` rows per poll so that
parallel voters lock different rows; every statement touches the rows of one shard in a fixed
order (total, then options sorted), which rules out lock-order deadlocks between voters.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from psycopg import Connection

from pollserver.domain.errors import AlreadyVoted
from pollserver.domain.records import Tally

__all__ = ["SHARDS", "record_vote", "record_vote_and_tally", "tally", "vote_of", "withdraw_vote"]

#: Tally rows per poll and option. A vote holds its shard's row locks until its commit is on
#: disk, so with few shards parallel voters queue behind each other's fsync (16 shards gave
#: half the rate of 128 with 32 writers); more shards make each tally read sum more rows.
SHARDS = 64

# One statement, hence one atomic step and one round trip on an autocommit connection: the
# tally CTEs read from ``ins`` and so do nothing when the vote row already existed.
_INSERT_VOTE = """
WITH ins AS (
    INSERT INTO poll_votes (poll_id, voter_id, choices, voted_at)
    VALUES (%(poll)s, %(voter)s, %(choices)s, %(at)s)
    ON CONFLICT (poll_id, voter_id) DO NOTHING
    RETURNING 1
), total AS (
    INSERT INTO poll_totals AS t (poll_id, shard, n)
    SELECT %(poll)s, %(shard)s, 1 FROM ins
    ON CONFLICT (poll_id, shard) DO UPDATE SET n = t.n + 1
    RETURNING 1
), options AS (
    INSERT INTO poll_counts AS c (poll_id, choice, shard, n)
    SELECT %(poll)s, u.choice, %(shard)s, u.n
    FROM ins, unnest(%(keys)s::text[], %(ns)s::bigint[]) WITH ORDINALITY AS u(choice, n, i)
    ORDER BY u.i
    ON CONFLICT (poll_id, choice, shard) DO UPDATE SET n = c.n + EXCLUDED.n
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM total), (SELECT count(*) FROM options)
"""

_ADD_COUNTS = """
INSERT INTO poll_counts AS c (poll_id, choice, shard, n)
SELECT %(poll)s, u.choice, %(shard)s, u.n
FROM unnest(%(keys)s::text[], %(ns)s::bigint[]) WITH ORDINALITY AS u(choice, n, i)
ORDER BY u.i
ON CONFLICT (poll_id, choice, shard) DO UPDATE SET n = c.n + EXCLUDED.n
"""


def shard_of(voter_id: str) -> int:
    """Return the voter's tally shard; stable across processes, unlike ``hash()``."""
    return zlib.crc32(voter_id.encode("utf-8")) % SHARDS


def _deltas(minus: Iterable[str], plus: Iterable[str]) -> tuple[list[str], list[int]]:
    """Return the per-option changes, sorted by key so every writer locks in the same order."""
    change: Counter[str] = Counter(plus)
    change.subtract(minus)
    keys = sorted(k for k, n in change.items() if n)
    return keys, [change[k] for k in keys]


def record_vote(conn: Connection, poll_id: str, voter_id: str, choices: Sequence[str], *,
                replace: bool, at: datetime) -> tuple[str, ...] | None:
    """Store a vote with its tally change; return the replaced choices, if any."""
    keys, ns = _deltas((), choices)
    params = {"poll": poll_id, "voter": voter_id, "choices": list(choices), "at": at,
              "shard": shard_of(voter_id), "keys": keys, "ns": ns}
    while True:
        # The common case (a first vote) is this one statement, outside any explicit transaction.
        row = conn.execute(_INSERT_VOTE, params).fetchone()
        if row and row[0]:
            return None
        if not replace:
            raise AlreadyVoted("You have already voted in this poll.")
        with conn.transaction():
            old = conn.execute(
                "SELECT choices FROM poll_votes WHERE poll_id = %s AND voter_id = %s FOR UPDATE",
                (poll_id, voter_id)).fetchone()
            if old is None:
                continue  # withdrawn between the two statements: try the insert again
            previous = tuple(old[0])
            conn.execute(
                "UPDATE poll_votes SET choices = %s, voted_at = %s"
                " WHERE poll_id = %s AND voter_id = %s",
                (list(choices), at, poll_id, voter_id))
            keys_diff, ns_diff = _deltas(previous, choices)
            if keys_diff:
                conn.execute(_ADD_COUNTS, dict(params, keys=keys_diff, ns=ns_diff))
            return previous


def record_vote_and_tally(conn: Connection, poll_id: str, voter_id: str,
                          choices: Sequence[str], *, replace: bool,
                          at: datetime) -> tuple[tuple[str, ...] | None, Tally]:
    """:func:`record_vote`, then :func:`tally`, in one round trip for a first vote.

    Both statements go out in one pipeline with one Sync, so they run as one implicit
    transaction: the tally is read after the vote and its tally change, before the commit.
    A voter who had voted already takes the ordinary path.
    """
    keys, ns = _deltas((), choices)
    params = {"poll": poll_id, "voter": voter_id, "choices": list(choices), "at": at,
              "shard": shard_of(voter_id), "keys": keys, "ns": ns}
    with conn.pipeline():
        inserted = conn.execute(_INSERT_VOTE, params)
        summed = conn.execute(_TALLY, {"poll": poll_id})
    row = inserted.fetchone()
    if row and row[0]:
        return None, _tally(summed.fetchall())
    previous = record_vote(conn, poll_id, voter_id, choices, replace=replace, at=at)
    return previous, tally(conn, poll_id)


def withdraw_vote(conn: Connection, poll_id: str, voter_id: str) -> bool:
    """Delete a vote and take it off the tally; return whether there was one."""
    with conn.transaction():
        row = conn.execute(
            "DELETE FROM poll_votes WHERE poll_id = %s AND voter_id = %s RETURNING choices",
            (poll_id, voter_id)).fetchone()
        if row is None:
            return False
        shard = shard_of(voter_id)
        conn.execute(
            "UPDATE poll_totals SET n = n - 1 WHERE poll_id = %s AND shard = %s",
            (poll_id, shard))
        keys, ns = _deltas(row[0], ())
        if keys:
            conn.execute(_ADD_COUNTS, {"poll": poll_id, "shard": shard, "keys": keys, "ns": ns})
        return True


def tally(conn: Connection, poll_id: str) -> Tally:
    """Sum the poll's shards in one round trip; options at zero are left out, like the
    reference store."""
    return _tally(conn.execute(_TALLY, {"poll": poll_id}).fetchall())


_TALLY = ("SELECT NULL::text, coalesce(sum(n), 0) FROM poll_totals WHERE poll_id = %(poll)s"
          " UNION ALL"
          " SELECT choice, sum(n) FROM poll_counts WHERE poll_id = %(poll)s GROUP BY choice"
          " HAVING sum(n) <> 0")


def _tally(rows: list[tuple[str | None, int]]) -> Tally:
    total = next(int(n) for key, n in rows if key is None)
    return Tally(total=total, counts={key: int(n) for key, n in rows if key is not None})


def vote_of(conn: Connection, poll_id: str, voter_id: str) -> tuple[str, ...] | None:
    """Return the voter's choices in the order given."""
    row = conn.execute("SELECT choices FROM poll_votes WHERE poll_id = %s AND voter_id = %s",
                       (poll_id, voter_id)).fetchone()
    return tuple(row[0]) if row else None
