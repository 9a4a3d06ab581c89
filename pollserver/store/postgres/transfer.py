"""Bulk import and export of the PostgreSQL store in the snapshot table format.

The format is the embedded store's (``pollserver.store.memory.documents.to_tables``): one
document per fact, no tallies. Import writes the facts and then derives every counter (poll
tallies, idea votes, budgets) from them in SQL, in the same transaction, so the copy's tallies
cannot drift from its votes. Export produces the same shape, so PostgreSQL can be a migration
source too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.types.json import Json

from pollserver.domain.errors import Conflict
from pollserver.store.postgres import champions, customers, roadmap, shares, tokens
from pollserver.store.postgres.transfer_outbox import OUTBOX_TABLES, export_outbox, import_outbox

__all__ = ["export_tables", "import_tables"]

Tables = dict[str, dict[str, dict[str, Any]]]

_DATA_TABLES = ("items", "poll_votes", "ideas", "responses", "codes", "admins", "audit",
                "status_history", "champions", "profile_rules", "share_tokens", "share_credits",
                "api_tokens", "customers")

_DERIVE_COUNTERS = """
INSERT INTO poll_totals (poll_id, shard, n)
    SELECT poll_id, 0, count(*) FROM poll_votes GROUP BY poll_id;
INSERT INTO poll_counts (poll_id, choice, shard, n)
    SELECT poll_id, c, 0, count(*) FROM poll_votes, unnest(choices) AS c GROUP BY poll_id, c;
UPDATE ideas SET votes = v.n
    FROM (SELECT idea_id, count(*) AS n FROM idea_votes GROUP BY idea_id) v
    WHERE ideas.id = v.idea_id;
INSERT INTO idea_budgets (jam_id, voter_id, used)
    SELECT jam_id, voter_id, count(*) FROM idea_votes GROUP BY jam_id, voter_id;
INSERT INTO code_pools (pool) SELECT DISTINCT pool FROM codes;
"""


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _docs(tables: Tables, name: str) -> Iterable[dict[str, Any]]:
    return tables.get(name, {}).values()


def _numbered(docs: Iterable[dict[str, Any]], start: int) -> list[tuple[int, dict[str, Any]]]:
    """Pair each doc with a sequence number: its own numeric id, else the next free one."""
    docs = list(docs)
    taken = {int(d["id"]) for d in docs if str(d["id"]).isdigit()}
    spare = max([start, *taken]) + 1
    numbered = []
    for doc in docs:
        if str(doc["id"]).isdigit():
            numbered.append((int(doc["id"]), doc))
        else:
            numbered.append((spare, doc))
            spare += 1
    return numbered


def import_tables(conn: Connection, tables: Tables) -> dict[str, int]:
    """Load snapshot tables into an empty database; return rows written per table.

    Refuses a database that already holds data: merging two histories would need rules for
    duplicate votes that a migration should not invent.
    """
    counts: dict[str, int] = {}
    with conn.transaction(), conn.cursor() as cur:
        for table in (*_DATA_TABLES, *OUTBOX_TABLES):
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            row = cur.fetchone()
            if row and row[0]:
                raise Conflict(f"the target database is not empty (table {table} has rows)")
        items = [(d["kind"], d["id"], Json(d["spec"]), d.get("source", ""), d.get("url", ""),
                  bool(d.get("archived")), _ts(d.get("closed_at")))
                 for d in _docs(tables, "items")]
        cur.executemany("INSERT INTO items (kind, id, spec, source, url, archived, closed_at)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s)", items)
        votes = [(d["poll"], d["voter"], list(d["choices"])) for d in _docs(tables, "votes")]
        cur.executemany("INSERT INTO poll_votes (poll_id, voter_id, choices)"
                        " VALUES (%s, %s, %s)", votes)
        seq = int(tables.get("_meta", {}).get("1", {}).get("seq", 0))
        ideas = _numbered(_docs(tables, "ideas"), seq)
        cur.executemany(
            "INSERT INTO ideas (id, seq, jam_id, title, body, author, voter_id, created_at,"
            " moderation, status, winner, merged_into, topics)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(str(d["id"]), n, d["jam_id"], d["title"], d["body"], d.get("author"),
              d.get("voter_id"), _ts(d["created_at"]), d.get("moderation", "published"),
              d.get("status", "open"), bool(d.get("winner")), d.get("merged_into"),
              list(d.get("topics") or ()))
             for n, d in ideas])
        idea_votes = [(str(d["idea"]), d["voter"], d["jam"]) for d in _docs(tables, "idea_votes")]
        cur.executemany("INSERT INTO idea_votes (idea_id, voter_id, jam_id) VALUES (%s, %s, %s)",
                        idea_votes)
        last = max([seq, *(n for n, _ in ideas)])
        responses = _numbered(_docs(tables, "responses"), last)
        cur.executemany(
            "INSERT INTO responses (id, seq, survey_id, voter_id, score, category, comment,"
            " consent, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(str(d["id"]), n, d["survey_id"], d.get("voter_id"), d["score"], d["category"],
              d.get("comment", ""), bool(d.get("consent_to_quote")), _ts(d["created_at"]))
             for n, d in responses])
        last = max([last, *(n for n, _ in responses)])
        # Later ideas and answers continue after the source's numbers, never reusing one.
        cur.execute("SELECT setval('record_seq', %s, %s)", (max(last, 1), last > 0))
        codes = [(d["pool"], d["code"], d.get("voter")) for d in _docs(tables, "codes")]
        cur.executemany("INSERT INTO codes (pool, code, voter_id) VALUES (%s, %s, %s)", codes)
        admins = [(d["username"], d["hash"]) for d in _docs(tables, "admins")]
        cur.executemany("INSERT INTO admins (username, password_hash) VALUES (%s, %s)", admins)
        audit = [(_ts(d["at"]), d.get("actor"), d.get("action"), d.get("target"),
                  Json(d.get("details") or {})) for d in _docs(tables, "audit")]
        cur.executemany("INSERT INTO audit (at, actor, action, target, details)"
                        " VALUES (%s, %s, %s, %s, %s)", audit)
        cur.execute(_DERIVE_COUNTERS.encode("utf-8"))
        history = roadmap.import_history(conn, list(_docs(tables, "status_history")))
        counts = {**champions.import_champions(conn, tables), **shares.import_shares(conn, tables),
                  "items": len(items), "votes": len(votes), "ideas": len(ideas),
                  "idea_votes": len(idea_votes), "responses": len(responses),
                  "codes": len(codes), "admins": len(admins), "audit": len(audit),
                  "status_history": history, **import_outbox(cur, tables),
                  "api_tokens": tokens.import_tokens(conn, tables),
                  "customers": customers.import_customers(conn, tables)}
    return counts


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rows(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i): doc for i, doc in enumerate(docs, 1)}


def export_tables(conn: Connection) -> Tables:
    """Return the whole database as snapshot tables, in one consistent snapshot."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
                           " FROM record_seq").fetchone()
        seq = int(row[0]) if row else 0
        items = [{"kind": k, "id": i, "spec": spec, "source": src, "url": url,
                  "archived": arch, "closed_at": _iso(closed)}
                 for k, i, spec, src, url, arch, closed in conn.execute(
                     "SELECT kind, id, spec, source, url, archived, closed_at FROM items"
                     " ORDER BY pos")]
        votes = [{"poll": p, "voter": v, "choices": list(c)} for p, v, c in conn.execute(
            "SELECT poll_id, voter_id, choices FROM poll_votes ORDER BY poll_id, voter_id")]
        ideas = [{"id": i, "jam_id": jam, "title": title, "body": body, "author": author,
                  "voter_id": voter, "created_at": _iso(at), "moderation": mod,
                  "status": status, "winner": winner, "merged_into": merged, "votes": 0,
                  "topics": list(topics or ())}
                 for i, jam, title, body, author, voter, at, mod, status, winner, merged, topics
                 in conn.execute(
                     "SELECT id, jam_id, title, body, author, voter_id, created_at, moderation,"
                     " status, winner, merged_into, topics FROM ideas ORDER BY seq")]
        idea_votes = [{"jam": jam, "voter": voter, "idea": idea}
                      for jam, voter, idea in conn.execute(
                          "SELECT v.jam_id, v.voter_id, v.idea_id FROM idea_votes v"
                          " JOIN ideas i ON i.id = v.idea_id"
                          " ORDER BY v.jam_id, v.voter_id, i.seq")]
        responses = [{"id": i, "survey_id": survey, "voter_id": voter, "score": score,
                      "category": cat, "comment": comment, "consent_to_quote": consent,
                      "created_at": _iso(at)}
                     for i, survey, voter, score, cat, comment, consent, at in conn.execute(
                         "SELECT id, survey_id, voter_id, score, category, comment, consent,"
                         " created_at FROM responses ORDER BY seq")]
        codes = [{"pool": pool, "code": code, "voter": voter}
                 for pool, code, voter in conn.execute(
                     "SELECT pool, code, voter_id FROM codes ORDER BY pool, pos")]
        admins = [{"username": u, "hash": h} for u, h in conn.execute(
            "SELECT username, password_hash FROM admins ORDER BY username")]
        audit = [{"at": _iso(at), "actor": actor, "action": action, "target": target,
                  "details": details}
                 for at, actor, action, target, details in conn.execute(
                     "SELECT at, actor, action, target, details FROM audit ORDER BY id")]
        history = roadmap.export_history(conn)
        grants = champions.export_champions(conn)
        shared = shares.export_shares(conn)
        api_tokens = tokens.export_tokens(conn)
        marks = customers.export_customers(conn)
        with conn.cursor() as cur:
            second = export_outbox(cur)
    return {
        **second,
        "champions": _rows(grants["champions"]),
        "profile_rules": _rows(grants["profile_rules"]),
        "share_tokens": _rows(shared["share_tokens"]),
        "share_credits": _rows(shared["share_credits"]),
        "status_history": _rows(history),
        "api_tokens": _rows(api_tokens),
        "customers": _rows(marks),
        "_meta": {"1": {"seq": seq}},
        "items": _rows(items), "votes": _rows(votes), "ideas": _rows(ideas),
        "idea_votes": _rows(idea_votes), "responses": _rows(responses),
        "codes": _rows(codes), "admins": _rows(admins), "audit": _rows(audit),
    }
