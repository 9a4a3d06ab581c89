"""One voter's data in PostgreSQL: export it (``GET /api/me``) and erase it (``DELETE``)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from psycopg import Connection

from pollserver.domain.voters import ERASED_TITLE, erased_id
from pollserver.store.postgres.jams import update_idea
from pollserver.store.postgres.polls import withdraw_vote

if TYPE_CHECKING:
    from pollserver.store.postgres.store import PostgresStore

__all__ = ["erase", "erase_voter", "voter_data"]


def _id_order(idea_id: str) -> tuple[int, int | str]:
    """Sort ids numerically like the embedded store, without failing on a foreign id."""
    return (0, int(idea_id)) if idea_id.isdigit() else (1, idea_id)


def voter_data(conn: Connection, voter_id: str) -> dict[str, Any]:
    """Collect everything stored under the voter id, in the reference store's shape."""
    votes = conn.execute("SELECT poll_id, choices FROM poll_votes WHERE voter_id = %s",
                         (voter_id,)).fetchall()
    backed: dict[str, list[str]] = defaultdict(list)
    for jam_id, idea_id in conn.execute(
            "SELECT jam_id, idea_id FROM idea_votes WHERE voter_id = %s", (voter_id,)):
        backed[jam_id].append(idea_id)
    ideas = conn.execute(
        "SELECT id, jam_id, title, body, author, created_at FROM ideas WHERE voter_id = %s"
        " ORDER BY seq", (voter_id,)).fetchall()
    # Answers are grouped by survey (surveys in the order they were first answered by anyone),
    # which is how the reference store lists them.
    answers = conn.execute(
        "SELECT r.survey_id, r.score, r.comment, r.created_at FROM responses r"
        " WHERE r.voter_id = %s ORDER BY"
        " (SELECT min(f.seq) FROM responses f WHERE f.survey_id = r.survey_id), r.seq",
        (voter_id,)).fetchall()
    rewards = conn.execute("SELECT pool, code FROM codes WHERE voter_id = %s ORDER BY pos",
                           (voter_id,)).fetchall()
    return {
        "votes": {poll: list(choices) for poll, choices in votes},
        "idea_votes": {jam: sorted(ids, key=_id_order) for jam, ids in backed.items()},
        "ideas": [{"id": i, "jam": jam, "title": title, "body": body, "author": author,
                   "created_at": at.isoformat()} for i, jam, title, body, author, at in ideas],
        "responses": [{"survey": survey, "score": score, "comment": comment,
                       "created_at": at.isoformat()} for survey, score, comment, at in answers],
        "rewards": dict(rewards),
    }


def erase_voter(store: PostgresStore, voter_id: str, *, withdraw_polls: Iterable[str],
                withdraw_jams: Iterable[str]) -> dict[str, int]:
    """The store's call: :func:`erase` as one step, with the ids as lists (a deadlock
    retry reads them again)."""
    return store.run(erase, voter_id, withdraw_polls=list(withdraw_polls),
                     withdraw_jams=list(withdraw_jams))


def erase(conn: Connection, voter_id: str, *, withdraw_polls: Sequence[str],
          withdraw_jams: Sequence[str]) -> dict[str, int]:
    """Erase the voter atomically, as the reference store does (``store/memory/erasure.py``).

    Votes in open polls and jams are withdrawn; the ones that stay (closed results) and the
    reward codes handed out are re-keyed to an id nobody can link back; the voter's ideas are
    hidden with their title, text and author blanked (their votes handed back); answers keep
    only the score; editors' audit entries lose the ideas' titles; a champion grant goes.
    """
    counts = {"votes": 0, "idea_votes": 0, "ideas": 0, "responses": 0}
    jams = list(dict.fromkeys(withdraw_jams))
    anon = erased_id(secrets.token_hex(8))
    with conn.transaction():
        for poll in withdraw_polls:
            counts["votes"] += withdraw_vote(conn, poll, voter_id)
        conn.execute("UPDATE poll_votes SET voter_id = %s WHERE voter_id = %s", (anon, voter_id))
        if jams:
            # Idea rows first, in seq order: the lock order every jam write uses.
            conn.execute(
                "SELECT 1 FROM ideas WHERE id IN (SELECT idea_id FROM idea_votes"
                " WHERE voter_id = %s AND jam_id = ANY(%s)) ORDER BY seq FOR UPDATE",
                (voter_id, jams))
            gone = conn.execute(
                "DELETE FROM idea_votes WHERE voter_id = %s AND jam_id = ANY(%s)"
                " RETURNING idea_id", (voter_id, jams)).fetchall()
            if gone:
                conn.execute("UPDATE ideas SET votes = votes - 1 WHERE id = ANY(%s)",
                             ([row[0] for row in gone],))
            conn.execute("DELETE FROM idea_budgets WHERE voter_id = %s AND jam_id = ANY(%s)",
                         (voter_id, jams))
            counts["idea_votes"] = len(gone)
        conn.execute("UPDATE idea_votes SET voter_id = %s WHERE voter_id = %s", (anon, voter_id))
        conn.execute("UPDATE idea_budgets SET voter_id = %s WHERE voter_id = %s",
                     (anon, voter_id))
        ideas = [row[0] for row in conn.execute(
            "SELECT id FROM ideas WHERE voter_id = %s ORDER BY seq", (voter_id,))]
        for idea_id in ideas:
            update_idea(conn, idea_id, moderation="hidden", winner=False, title=ERASED_TITLE,
                        body="", author=None)
        conn.execute("UPDATE ideas SET voter_id = NULL WHERE voter_id = %s", (voter_id,))
        counts["ideas"] = len(ideas)
        if ideas:
            conn.execute(
                "UPDATE audit SET details ="
                " jsonb_set(details::jsonb, '{title}', to_jsonb(%s::text))::json"
                " WHERE target = ANY(%s) AND (details::jsonb) ? 'title'",
                (ERASED_TITLE, [f"idea:{i}" for i in ideas]))
            conn.execute(  # an editor's correction keeps the text before and after it
                "UPDATE audit SET details = (details::jsonb"
                " || jsonb_build_object('before', null, 'after', null))::json"
                " WHERE target = ANY(%s) AND (details::jsonb) ?| array['before', 'after']",
                ([f"idea:{i}" for i in ideas],))
            conn.execute(
                "UPDATE events SET data ="
                " jsonb_set(data::jsonb, '{title}', to_jsonb(%s::text))::json"
                " WHERE subjects && %s::text[] AND (data::jsonb) ? 'title'",
                (ERASED_TITLE, [f"idea:{i}" for i in ideas]))
            conn.execute(  # the endpoint log's copies of those events
                "UPDATE webhook_attempts SET body = '' WHERE event_id IN"
                " (SELECT id FROM events WHERE subjects && %s::text[])",
                ([f"idea:{i}" for i in ideas],))
        counts["responses"] = conn.execute(
            "UPDATE responses SET voter_id = NULL, comment = '', consent = false"
            " WHERE voter_id = %s", (voter_id,)).rowcount
        conn.execute("UPDATE codes SET voter_id = %s WHERE voter_id = %s", (anon, voter_id))
        conn.execute("DELETE FROM champions WHERE voter_id = %s", (voter_id,))
        conn.execute("DELETE FROM customers WHERE voter_id = %s", (voter_id,))
    return counts
