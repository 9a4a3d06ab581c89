"""Idea jams in PostgreSQL: ideas, idea votes with budgets, moderation and merges.

Lock order, the same in every function, so concurrent writers queue instead of deadlocking:
the idea row(s) first (ordered by ``seq``), then the ``idea_votes`` rows, then the voter's
``idea_budgets`` row. The idea row lock also keeps a merge or an unpublish from slipping in
between the check that an idea is open for votes and the vote itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import Connection, sql

from pollserver.domain.errors import AlreadyVoted, BadRequest, Conflict, NotFound, NoVotesLeft
from pollserver.domain.records import IDEA_CHANGES, Idea
from pollserver.store.postgres import roadmap

__all__ = [
    "IDEA_COLUMNS",
    "add_idea",
    "get_idea",
    "idea_voters",
    "idea_from_row",
    "idea_votes_of",
    "list_ideas",
    "merge_ideas",
    "unvote_idea",
    "update_idea",
    "vote_idea",
]

IDEA_COLUMNS = ("id, jam_id, title, body, author, voter_id, created_at, moderation, status,"
                " winner, merged_into, votes, topics")
# Spending a vote: the upsert locks the (jam, voter) row and its WHERE guard refuses to go past
# the budget, so checking and spending are one step however many requests race.
_SPEND = """
INSERT INTO idea_budgets AS b (jam_id, voter_id, used) VALUES (%(jam)s, %(voter)s, 1)
ON CONFLICT (jam_id, voter_id) DO UPDATE SET used = b.used + 1
WHERE %(budget)s = 0 OR b.used < %(budget)s
RETURNING used
"""

_MOVE_VOTES = """
WITH gone AS (
    DELETE FROM idea_votes WHERE idea_id = %(source)s RETURNING voter_id, jam_id, voted_at
), moved AS (
    INSERT INTO idea_votes (idea_id, voter_id, jam_id, voted_at)
    SELECT %(target)s, voter_id, jam_id, voted_at FROM gone ORDER BY voter_id
    ON CONFLICT (idea_id, voter_id) DO NOTHING
    RETURNING voter_id
)
SELECT g.voter_id, m.voter_id IS NOT NULL FROM gone g LEFT JOIN moved m USING (voter_id)
ORDER BY g.voter_id
"""


def idea_from_row(row: Sequence[Any]) -> Idea:
    """Build an :class:`Idea` from a row selected with :data:`IDEA_COLUMNS`."""
    return Idea(id=row[0], jam_id=row[1], title=row[2], body=row[3], author=row[4],
                voter_id=row[5], created_at=row[6], moderation=row[7], status=row[8],
                winner=row[9], merged_into=row[10], votes=int(row[11]),
                topics=tuple(row[12] or ()))


def _not_found(idea_id: str) -> NotFound:
    return NotFound(f"No idea {idea_id!r} in this jam.")


def add_idea(conn: Connection, jam_id: str, *, title: str, body: str, author: str | None,
             voter_id: str | None, moderation: str, at: datetime) -> Idea:
    """Insert an idea under the next shared sequence number, which is also its id."""
    row = conn.execute(
        "WITH s AS (SELECT nextval('record_seq') AS n)"
        " INSERT INTO ideas (id, seq, jam_id, title, body, author, voter_id, created_at,"
        " moderation) SELECT n::text, n, %s, %s, %s, %s, %s, %s, %s FROM s"
        f" RETURNING {IDEA_COLUMNS}",
        (jam_id, title, body, author, voter_id, at, moderation)).fetchone()
    assert row is not None
    return idea_from_row(row)


def get_idea(conn: Connection, idea_id: str) -> Idea | None:
    """Return one idea with its vote count."""
    row = conn.execute(f"SELECT {IDEA_COLUMNS} FROM ideas WHERE id = %s",
                       (str(idea_id),)).fetchone()
    return idea_from_row(row) if row else None


def list_ideas(conn: Connection, jam_id: str) -> list[Idea]:
    """Return a jam's ideas oldest first."""
    rows = conn.execute(f"SELECT {IDEA_COLUMNS} FROM ideas WHERE jam_id = %s ORDER BY seq",
                        (jam_id,)).fetchall()
    return [idea_from_row(row) for row in rows]


def vote_idea(conn: Connection, jam_id: str, idea_id: str, voter_id: str, *, budget: int,
              at: datetime) -> None:
    """Add a vote within the budget; any refusal rolls the whole step back."""
    idea_id = str(idea_id)
    with conn.transaction():
        # Counting first takes the idea's row lock; a refusal below undoes the increment.
        row = conn.execute(
            "UPDATE ideas SET votes = votes + 1 WHERE id = %s AND jam_id = %s"
            " RETURNING moderation, status", (idea_id, jam_id)).fetchone()
        if row is None:
            raise _not_found(idea_id)
        if row[0] != "published" or row[1] == "merged":
            raise Conflict("This idea is not open for votes.")
        added = conn.execute(
            "INSERT INTO idea_votes (idea_id, voter_id, jam_id, voted_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (idea_id, voter_id) DO NOTHING RETURNING 1",
            (idea_id, voter_id, jam_id, at)).fetchone()
        if added is None:
            raise AlreadyVoted("You have already voted for this idea.")
        spent = None
        if budget >= 0:
            spent = conn.execute(_SPEND, {"jam": jam_id, "voter": voter_id,
                                          "budget": budget}).fetchone()
        if spent is None:
            raise NoVotesLeft(f"You have used all {budget} of your votes in this jam.")


def unvote_idea(conn: Connection, jam_id: str, idea_id: str, voter_id: str) -> bool:
    """Take a vote back and return it to the voter's budget."""
    idea_id = str(idea_id)
    with conn.transaction():
        found = conn.execute("SELECT 1 FROM ideas WHERE id = %s AND jam_id = %s FOR UPDATE",
                             (idea_id, jam_id)).fetchone()
        if found is None:
            raise _not_found(idea_id)
        gone = conn.execute(
            "DELETE FROM idea_votes WHERE idea_id = %s AND voter_id = %s RETURNING 1",
            (idea_id, voter_id)).fetchone()
        if gone is None:
            return False
        conn.execute("UPDATE ideas SET votes = votes - 1 WHERE id = %s", (idea_id,))
        conn.execute("UPDATE idea_budgets SET used = used - 1 WHERE jam_id = %s AND voter_id = %s",
                     (jam_id, voter_id))
        return True


def idea_votes_of(conn: Connection, jam_id: str, voter_id: str) -> set[str]:
    """Return the ids of the ideas the voter backs in the jam."""
    rows = conn.execute("SELECT idea_id FROM idea_votes WHERE voter_id = %s AND jam_id = %s",
                        (voter_id, jam_id)).fetchall()
    return {row[0] for row in rows}


def idea_voters(conn: Connection, jam_id: str) -> dict[str, set[str]]:
    """Return idea id -> the voters backing it in the jam."""
    backing: dict[str, set[str]] = {}
    for idea_id, voter in conn.execute(
            "SELECT idea_id, voter_id FROM idea_votes WHERE jam_id = %s", (jam_id,)):
        backing.setdefault(str(idea_id), set()).add(voter)
    return backing


def update_idea(conn: Connection, idea_id: str, *, at: datetime | None = None, note: str = "",
                **changes: Any) -> Idea:
    """Change whitelisted fields of an idea and return it (a new status joins its history)."""
    idea_id = str(idea_id)
    with conn.transaction():
        found = conn.execute("SELECT jam_id, moderation, status FROM ideas WHERE id = %s"
                             " FOR UPDATE",
                             (idea_id,)).fetchone()
        if found is None:
            raise _not_found(idea_id)
        unknown = set(changes) - set(IDEA_CHANGES)
        if unknown:
            raise BadRequest(f"cannot change {sorted(unknown)[0]!r} of an idea")
        if found[1] == "published" and changes.get("moderation", "published") != "published":
            # Hiding or rejecting an idea hands its votes back for the voters to spend again.
            # Lock order as in vote_idea: the idea row first, then the budget rows.
            voters = [row[0] for row in conn.execute(
                "DELETE FROM idea_votes WHERE idea_id = %s RETURNING voter_id", (idea_id,))]
            if voters:
                conn.execute("UPDATE idea_budgets SET used = used - 1"
                             " WHERE jam_id = %s AND voter_id = ANY(%s)", (found[0], voters))
                conn.execute("UPDATE ideas SET votes = 0 WHERE id = %s", (idea_id,))
        if changes.get("status", found[2]) != found[2]:
            roadmap.record_status(conn, idea_id, changes["status"], at, note)
        if "topics" in changes:
            changes = {**changes, "topics": list(changes["topics"])}
        if changes:
            # Column names come from the whitelist above, never from the caller's text.
            assignments = sql.SQL(", ").join(
                sql.SQL("{} = %s").format(sql.Identifier(name)) for name in changes)
            conn.execute(sql.SQL("UPDATE ideas SET {} WHERE id = %s").format(assignments),
                         [*changes.values(), idea_id])
        row = conn.execute(f"SELECT {IDEA_COLUMNS} FROM ideas WHERE id = %s",
                           (idea_id,)).fetchone()
    assert row is not None
    return idea_from_row(row)


def merge_ideas(conn: Connection, source_id: str, target_id: str) -> Idea:
    """Move the source's votes to the target; a voter who backed both keeps one vote."""
    source_id, target_id = str(source_id), str(target_id)
    with conn.transaction():
        rows = conn.execute(
            "SELECT id, jam_id, status FROM ideas WHERE id = ANY(%s) ORDER BY seq FOR UPDATE",
            ([source_id, target_id],)).fetchall()
        found = {row[0]: row for row in rows}
        if source_id not in found:
            raise _not_found(source_id)
        if target_id not in found:
            raise _not_found(target_id)
        source, target = found[source_id], found[target_id]
        if source_id == target_id or source[1] != target[1]:
            raise BadRequest("an idea can only be merged into another idea of the same jam")
        if target[2] == "merged":
            raise BadRequest("cannot merge into an idea that was itself merged")
        voters = conn.execute(_MOVE_VOTES, {"source": source_id,
                                            "target": target_id}).fetchall()
        moved = sum(1 for _, ok in voters if ok)
        # Whoever backed both ideas now holds one vote fewer and gets it back to spend.
        both = [voter for voter, ok in voters if not ok]
        if both:
            conn.execute("UPDATE idea_budgets SET used = used - 1"
                         " WHERE jam_id = %s AND voter_id = ANY(%s)", (source[1], both))
        conn.execute("UPDATE ideas SET votes = votes + %s WHERE id = %s", (moved, target_id))
        conn.execute("UPDATE ideas SET status = 'merged', merged_into = %s, winner = false,"
                     " votes = 0 WHERE id = %s", (target_id, source_id))
        row = conn.execute(f"SELECT {IDEA_COLUMNS} FROM ideas WHERE id = %s",
                           (target_id,)).fetchone()
    assert row is not None
    return idea_from_row(row)
