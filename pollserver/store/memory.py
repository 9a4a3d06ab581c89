"""The reference store: the state machine in memory, guarded by one lock.

Tests and benches use it as the model other backends must match; the TinyDB store is this
class plus a journal, so the rules live in exactly one place (``state.py``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse, SyncReport, Tally
from pollserver.domain.statuses import StatusChange
from pollserver.domain.voters import erase_hash
from pollserver.store.base import Store
from pollserver.store.memory_champions import MemoryChampions
from pollserver.store.memory_outbox import MemoryOutbox
from pollserver.store.memory_webhooks import MemoryWebhooks
from pollserver.store.state import State

__all__ = ["MemoryStore"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class MemoryStore(MemoryChampions, MemoryWebhooks, MemoryOutbox, Store):
    """Keep everything in one :class:`State`; each operation runs under a lock."""

    backend = "memory"

    def __init__(self) -> None:
        self.state = State()
        self.lock = threading.RLock()

    def commit(self, op: dict[str, Any]) -> Any:
        """Apply one operation atomically; durable subclasses also journal it."""
        op = self.with_events(op)
        with self.lock:
            return self.state.apply(op)

    @contextmanager
    def reading(self) -> Iterator[State]:
        """Hold the lock over a consistent view; durable subclasses catch up first."""
        with self.lock:
            yield self.state

    # -- items -------------------------------------------------------------------------

    def sync_items(self, items: Sequence[Item]) -> SyncReport:
        rows = [{"kind": i.kind, "id": i.id, "spec": i.spec, "source": i.source, "url": i.url}
                for i in items]
        return self.commit({"op": "sync", "items": rows})

    def get_item(self, kind: str, item_id: str) -> Item | None:
        with self.reading() as state:
            return state.items.get((kind, item_id))

    def list_items(self, kind: str | None = None) -> list[Item]:
        with self.reading() as state:
            return [i for key, i in sorted(state.items.items()) if kind in (None, key[0])]

    def set_closed_at(self, kind: str, item_id: str, closed_at: datetime | None) -> None:
        self.commit({"op": "close", "kind": kind, "id": item_id, "closed_at": _iso(closed_at)})

    # -- polls -------------------------------------------------------------------------

    def record_vote(self, poll_id: str, voter_id: str, choices: Sequence[str], *,
                    replace: bool, at: datetime) -> tuple[str, ...] | None:
        return self.commit({"op": "vote", "poll": poll_id, "voter": voter_id,
                            "choices": list(choices), "replace": replace, "at": _iso(at)})

    def tally(self, poll_id: str) -> Tally:
        with self.reading() as state:
            counts = state.counts.get(poll_id, {})
            return Tally(total=len(state.votes.get(poll_id, ())),
                         counts={k: n for k, n in counts.items() if n})

    def vote_of(self, poll_id: str, voter_id: str) -> tuple[str, ...] | None:
        with self.reading() as state:
            return state.votes.get(poll_id, {}).get(voter_id)

    def withdraw_vote(self, poll_id: str, voter_id: str) -> bool:
        return self.commit({"op": "withdraw", "poll": poll_id, "voter": voter_id})

    # -- jams --------------------------------------------------------------------------

    def add_idea(self, jam_id: str, *, title: str, body: str, author: str | None,
                 voter_id: str | None, moderation: str, at: datetime) -> Idea:
        return self.commit({"op": "idea", "jam": jam_id, "title": title, "body": body,
                            "author": author, "voter": voter_id, "moderation": moderation,
                            "at": _iso(at)})

    def get_idea(self, idea_id: str) -> Idea | None:
        with self.reading() as state:
            return state.idea(str(idea_id)) if str(idea_id) in state.ideas else None

    def list_ideas(self, jam_id: str) -> list[Idea]:
        with self.reading() as state:
            return [state.idea(i) for i in state.jam_ideas.get(jam_id, ())]

    def vote_idea(self, jam_id: str, idea_id: str, voter_id: str, *, budget: int,
                  at: datetime) -> None:
        self.commit({"op": "idea-vote", "jam": jam_id, "idea": str(idea_id), "voter": voter_id,
                     "budget": budget, "at": _iso(at)})

    def unvote_idea(self, jam_id: str, idea_id: str, voter_id: str) -> bool:
        return self.commit({"op": "idea-unvote", "jam": jam_id, "idea": str(idea_id),
                            "voter": voter_id})

    def idea_votes_of(self, jam_id: str, voter_id: str) -> set[str]:
        with self.reading() as state:
            return set(state.voter_ideas.get((jam_id, voter_id), ()))

    def jam_version(self, jam_id: str) -> tuple[int, int, int]:
        with self.reading() as state:
            return state.jam_version(jam_id)

    def update_idea(self, idea_id: str, *, at: datetime | None = None, note: str = "",
                    **changes: Any) -> Idea:
        op: dict[str, Any] = {"op": "idea-update", "idea": str(idea_id), "changes": changes}
        if at is not None or note:  # older journal lines carry neither
            op.update(at=_iso(at), note=note)
        return self.commit(op)

    def status_history(self, idea_id: str) -> list[StatusChange]:
        with self.reading() as state:
            return list(state.history.get(str(idea_id), ()))

    def status_changes(self, limit: int = 500) -> list[StatusChange]:
        with self.reading() as state:
            return state.history_order[::-1][:limit]

    def merge_ideas(self, source_id: str, target_id: str) -> Idea:
        return self.commit({"op": "merge", "source": str(source_id), "target": str(target_id)})

    # -- surveys -----------------------------------------------------------------------

    def add_response(self, survey_id: str, *, voter_id: str | None, score: int, category: str,
                     comment: str, consent_to_quote: bool, at: datetime) -> SurveyResponse:
        return self.commit({"op": "response", "survey": survey_id, "voter": voter_id,
                            "score": score, "category": category, "comment": comment,
                            "consent": consent_to_quote, "at": _iso(at)})

    def list_responses(self, survey_id: str) -> list[SurveyResponse]:
        with self.reading() as state:
            return list(state.responses.get(survey_id, ()))

    # -- rewards -----------------------------------------------------------------------

    def add_codes(self, pool: str, codes: Iterable[str]) -> int:
        return self.commit({"op": "codes", "pool": pool, "codes": [c.strip() for c in codes]})

    def claim_code(self, pool: str, voter_id: str, *, at: datetime) -> str | None:
        with self.reading() as state:  # the common case, a repeat visit, needs no write
            held = state.claims.get(pool, {}).get(voter_id)
            if held is not None:
                return held
        return self.commit({"op": "claim", "pool": pool, "voter": voter_id, "at": _iso(at)})

    def code_of(self, pool: str, voter_id: str) -> str | None:
        with self.reading() as state:
            return state.claims.get(pool, {}).get(voter_id)

    def pool_stats(self) -> dict[str, tuple[int, int]]:
        with self.reading() as state:
            # A pool with no codes at all is not listed: a snapshot keeps codes, not names.
            return {pool: (len(codes), len(state.claims.get(pool, {})))
                    for pool, codes in sorted(state.pools.items()) if codes}

    def revoke_codes(self, pool: str) -> int:
        return self.commit({"op": "revoke", "pool": pool})

    # -- editors -----------------------------------------------------------------------

    def put_admin(self, username: str, password_hash: str) -> None:
        self.commit({"op": "admin", "username": username, "hash": password_hash})

    def get_admin(self, username: str) -> str | None:
        with self.reading() as state:
            return state.admins.get(username)

    def add_audit(self, entry: AuditEntry) -> None:
        self.commit(dict(asdict(entry), op="audit", at=_iso(entry.at)))

    def list_audit(self, limit: int = 500) -> list[AuditEntry]:
        with self.reading() as state:
            return list(reversed(state.audit[-limit:]))

    def add_editor_session(self, session_hash: str, username: str, *, at: datetime) -> None:
        self.commit({"op": "editor-session", "session": session_hash, "username": username,
                     "at": _iso(at)})

    def editor_session(self, session_hash: str) -> str | None:
        with self.reading() as state:
            return state.editor_sessions.get(session_hash, (None, ""))[0]

    def revoke_editor_sessions(self, *, session_hash: str | None = None,
                               username: str | None = None) -> int:
        return self.commit({"op": "editor-session-revoke", "session": session_hash,
                            "username": username})

    # -- voters ------------------------------------------------------------------------

    def voter_data(self, voter_id: str) -> dict[str, Any]:
        with self.reading() as state:
            return state.voter_data(voter_id)

    def erase_voter(self, voter_id: str, *, withdraw_polls: Iterable[str],
                    withdraw_jams: Iterable[str]) -> dict[str, int]:
        salt = secrets.token_hex(16)
        counts = self.commit({"op": "erase", "salt": salt,
                              "voter_hash": erase_hash(salt, voter_id),
                              "polls": list(withdraw_polls), "jams": list(withdraw_jams)})
        self._after_erase()
        return counts

    def _after_erase(self) -> None:
        """Hook for a durable store to drop older copies of the erased data (none here)."""
