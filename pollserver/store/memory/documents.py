"""Turn a :class:`State` into TinyDB-shaped tables and back (the snapshot format).

Tables hold one document per fact (a vote, an idea, a code), so the snapshot file is plain,
inspectable TinyDB JSON: ``{"votes": {"1": {"poll": ..., "voter": ..., "choices": [...]}}}``.
Tallies are not stored; they are rebuilt once on load, which keeps the file free of values
that could disagree with the facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse
from pollserver.store.memory.champions import champion_tables, load_champions
from pollserver.store.memory.customers import customer_tables, load_customers
from pollserver.store.memory.outbox import load_outbox, outbox_tables
from pollserver.store.memory.roadmap import load_roadmap, roadmap_tables
from pollserver.store.memory.shares import load_shares, share_tables
from pollserver.store.memory.state import State
from pollserver.store.memory.tokens import load_tokens, token_tables
from pollserver.store.memory.webhooks import load_webhooks, webhook_tables

__all__ = ["from_tables", "iter_tables", "to_tables"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rows(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i): doc for i, doc in enumerate(docs, 1)}


def iter_tables(state: State, meta: dict[str, Any]
                ) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield ``(table, rows)`` lazily, so a snapshot can be streamed without a second copy
    of the state in memory; ``meta`` becomes the single ``_meta`` doc."""
    yield "_meta", [dict(meta, seq=state.seq)]
    yield "items", (dict(asdict(i), closed_at=_iso(i.closed_at)) for i in state.items.values())
    yield "votes", ({"poll": p, "voter": v, "choices": list(c)}
                    for p, by_voter in state.votes.items() for v, c in by_voter.items())
    yield "ideas", (dict(asdict(i), created_at=_iso(i.created_at), votes=0)
                    for i in state.ideas.values())
    yield "idea_votes", ({"jam": jam, "voter": voter, "idea": idea}
                         for (jam, voter), ids in state.voter_ideas.items()
                         for idea in sorted(ids))
    yield "responses", (dict(asdict(r), created_at=_iso(r.created_at))
                        for answers in state.responses.values() for r in answers)
    yield "codes", _code_rows(state)
    yield "admins", ({"username": u, "hash": h} for u, h in state.admins.items())
    yield "audit", (dict(asdict(a), at=_iso(a.at)) for a in state.audit)
    yield from outbox_tables(state)
    yield "editor_sessions", ({"session": key, "username": name, "at": at}
                              for key, (name, at) in state.editor_sessions.items())
    yield from roadmap_tables(state)
    yield from webhook_tables(state)
    yield from champion_tables(state)
    yield from share_tables(state)
    yield from token_tables(state)
    yield from customer_tables(state)


def _code_rows(state: State) -> Iterator[dict[str, Any]]:
    for pool, pool_codes in state.pools.items():
        owners = {code: voter for voter, code in state.claims.get(pool, {}).items()}
        yield from ({"pool": pool, "code": c, "voter": owners.get(c)} for c in pool_codes)


def to_tables(state: State, meta: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Return the state as TinyDB tables; ``meta`` is stored as the single ``_meta`` doc."""
    return {name: _rows(list(rows)) for name, rows in iter_tables(state, meta)}


def from_tables(tables: dict[str, dict[str, dict[str, Any]]]) -> tuple[State, dict[str, Any]]:
    """Rebuild a state (and its tallies) from snapshot tables; return it with the meta doc."""
    state = State()
    meta = dict(tables.get("_meta", {}).get("1", {}))
    state.seq = int(meta.pop("seq", 0))
    for doc in tables.get("items", {}).values():
        item = Item(**dict(doc, closed_at=None))
        closed = doc.get("closed_at")
        state.items[(item.kind, item.id)] = Item(
            **{**asdict(item), "closed_at": datetime.fromisoformat(closed) if closed else None})
    for doc in tables.get("votes", {}).values():
        state.apply({"op": "vote", "poll": doc["poll"], "voter": doc["voter"],
                     "choices": doc["choices"], "replace": False})
    for doc in tables.get("ideas", {}).values():
        idea = Idea(**dict(doc, created_at=datetime.fromisoformat(doc["created_at"]),
                           topics=tuple(doc.get("topics") or ())))
        state.ideas[idea.id] = idea
        state.jam_ideas[idea.jam_id].append(idea.id)
    for doc in tables.get("idea_votes", {}).values():
        state.voter_ideas[(doc["jam"], doc["voter"])].add(doc["idea"])
        state.idea_voters[doc["idea"]].add(doc["voter"])
    for doc in tables.get("responses", {}).values():
        response = SurveyResponse(
            **dict(doc, created_at=datetime.fromisoformat(doc["created_at"])))
        state.responses[response.survey_id].append(response)
        if response.voter_id:
            state.answered[(response.survey_id, response.voter_id)] = response
    for doc in tables.get("codes", {}).values():
        pool = doc["pool"]
        if doc["voter"] is not None:
            state.claims[pool][doc["voter"]] = doc["code"]
        if doc["code"] not in state.pools[pool]:
            state.pools[pool].append(doc["code"])
    for pool, pool_codes in state.pools.items():
        # Claimed codes come first in a pool; the free ones follow in their loaded order.
        claimed = set(state.claims[pool].values())
        pool_codes.sort(key=lambda c: c not in claimed)
        state.next_free[pool] = len(claimed & set(pool_codes))
    for doc in tables.get("admins", {}).values():
        state.admins[doc["username"]] = doc["hash"]
    for doc in tables.get("audit", {}).values():
        state.audit.append(AuditEntry(**dict(doc, at=datetime.fromisoformat(doc["at"]))))
    load_outbox(state, tables)
    for doc in tables.get("editor_sessions", {}).values():
        state.editor_sessions[doc["session"]] = (doc["username"], doc["at"])
    load_roadmap(state, tables)
    load_webhooks(state, tables)
    load_champions(state, tables)
    load_shares(state, tables)
    load_tokens(state, tables)
    load_customers(state, tables)
    return state, meta
