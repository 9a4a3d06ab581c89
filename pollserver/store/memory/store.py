"""The reference store: every ``Store`` call as an operation on the state machine.

Tests and benches use it as the model other backends must match. It holds an *engine*
(``engine.py``) and runs each change through ``engine.commit`` and each read inside
``engine.reading()``: a bare :class:`~pollserver.store.memory.engine.Memory` here, the journaling
group commit in the TinyDB store, which is this class built with that engine. So the rules
live in exactly one place (``state.py``) and this translation in exactly one other.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.domain.outbox import Delivery, Event, Follow
from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse, SyncReport, Tally
from pollserver.domain.statuses import StatusChange
from pollserver.domain.voters import erase_hash
from pollserver.domain.webhooks import Attempt, Endpoint
from pollserver.store.base import Store, Tables
from pollserver.store.memory.champions import champion_doc, rule_doc
from pollserver.store.memory.documents import to_tables
from pollserver.store.memory.engine import Engine, Memory
from pollserver.store.memory.state import State
from pollserver.store.memory.webhooks import endpoint_doc

__all__ = ["MemoryStore"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class MemoryStore(Store):
    """Every operation goes to the engine it holds (by default one in memory only)."""

    backend = "memory"

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine: Engine = Memory() if engine is None else engine

    def commit(self, op: dict[str, Any]) -> Any:
        """Apply one operation atomically (the TinyDB engine also journals it)."""
        return self.engine.commit(self.with_events(op))

    def reading(self) -> AbstractContextManager[State]:
        """Hold a consistent view (the TinyDB engine first catches up with other processes)."""
        return self.engine.reading()

    def export_tables(self) -> Tables:
        """The whole state as snapshot tables (``pollserver migrate``'s source)."""
        with self.reading() as state:
            return to_tables(state, {})

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

    def response_of(self, survey_id: str, voter_id: str) -> SurveyResponse | None:
        with self.reading() as state:
            return state.answered.get((survey_id, voter_id))

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
        self.engine.compact()  # older files must not keep what was just erased
        return counts

    # -- outbox ------------------------------------------------------------------------

    def list_events(self, *, subjects: Collection[str] | None = None, voter: str | None = None,
                    after: datetime | None = None, types: Collection[str] | None = None,
                    limit: int = 100) -> list[Event]:
        with self.reading() as state:
            return state.list_events(None if subjects is None else set(subjects), voter,
                                     after, None if types is None else set(types), limit)

    def add_events(self) -> None:
        self.commit({"op": "events"})

    def request_follow(self, follow: Follow, event: dict[str, Any]) -> None:
        self.commit({"op": "follow-request", "id": follow.id, "kind": follow.kind,
                     "item": follow.item, "jam": follow.jam, "email": follow.email,
                     "voter": follow.voter_id, "at": follow.created_at.isoformat(),
                     "request": [event]})

    def get_follow(self, follow_id: str) -> Follow | None:
        with self.reading() as state:
            return state.follows.get(follow_id)

    def confirm_follow(self, follow_id: str, *, at: datetime) -> Follow:
        return self.commit({"op": "follow-confirm", "id": follow_id, "at": at.isoformat()})

    def unsubscribe(self, follow_id: str) -> int:
        return self.commit({"op": "unsubscribe", "id": follow_id})

    def erase_follows(self, voter_id: str) -> int:
        return self.commit({"op": "follow-erase", "voter": voter_id})

    def purge_follows(self, now: datetime) -> int:
        with self.reading() as state:
            if not any(f.expired(now) for f in state.follows.values()):
                return 0  # the usual case needs no journal line
        return self.commit({"op": "follow-purge", "at": now.isoformat()})

    def follower_counts(self) -> dict[str, int]:
        with self.reading() as state:
            counts: dict[str, int] = {}
            for follow in state.follows.values():
                if follow.confirmed_at is not None:
                    counts[follow.subject] = counts.get(follow.subject, 0) + 1
            return dict(sorted(counts.items()))

    def feed_token(self, voter_id: str, token: str) -> str:
        with self.reading() as state:
            for known, voter in state.feed_tokens.items():
                if voter == voter_id:
                    return known
        return self.commit({"op": "feed-token", "voter": voter_id, "token": token})

    def feed_voter(self, token: str) -> str | None:
        with self.reading() as state:
            return state.feed_tokens.get(token)

    def claim_deliveries(self, consumer: str, *, now: datetime, lease: timedelta, claim: str,
                         limit: int = 20, created_before: datetime | None = None
                         ) -> list[Delivery]:
        with self.reading() as state:
            if not _any_due(state, consumer, now, created_before):
                return []  # an idle sender polls often: no journal line for nothing
        return self.commit({"op": "delivery-claim", "consumer": consumer,
                            "at": now.isoformat(), "until": (now + lease).isoformat(),
                            "claim": claim, "limit": limit,
                            "before": created_before.isoformat() if created_before else None})

    def finish_delivery(self, delivery_id: str, claim: str, *, at: datetime,
                        error: str | None = None, retry_at: datetime | None = None) -> bool:
        return self.commit({"op": "delivery-finish", "id": delivery_id, "claim": claim,
                            "at": at.isoformat(), "error": error,
                            "retry": retry_at.isoformat() if retry_at else None})

    def list_deliveries(self, consumer: str | None = None, *, limit: int = 200
                        ) -> list[Delivery]:
        with self.reading() as state:
            rows = (d for d in reversed(state.deliveries.values())
                    if consumer in (None, d.consumer))
            return [replace(d, event=state.events.get(d.event_id))
                    for d, _ in zip(rows, range(limit), strict=False)]


    # -- webhooks ----------------------------------------------------------------------

    def add_webhook(self, endpoint: Endpoint) -> Endpoint:
        return self.commit({"op": "webhook-add", "endpoint": endpoint_doc(endpoint)})

    def list_webhooks(self) -> list[Endpoint]:
        with self.reading() as state:
            return list(state.webhooks.values())

    def get_webhook(self, endpoint_id: str) -> Endpoint | None:
        with self.reading() as state:
            return state.webhooks.get(endpoint_id)

    def set_webhook(self, endpoint_id: str, *, enabled: bool | None = None,
                    events: tuple[str, ...] | None = None,
                    include_text: bool | None = None) -> Endpoint:
        return self.commit({"op": "webhook-set", "id": endpoint_id, "enabled": enabled,
                            "types": list(events) if events is not None else None,
                            "include_text": include_text})

    def delete_webhook(self, endpoint_id: str) -> None:
        self.commit({"op": "webhook-delete", "id": endpoint_id})

    def record_attempt(self, attempt: Attempt) -> Endpoint:
        doc = dict(vars(attempt), at=attempt.at.isoformat())
        return self.commit({"op": "webhook-attempt", "attempt": doc})

    def list_attempts(self, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
        with self.reading() as state:
            mine = [a for a in reversed(state.attempts) if a.endpoint_id == endpoint_id]
            return mine[:limit]

    def resend_delivery(self, delivery_id: str, *, at: datetime) -> Delivery:
        return self.commit({"op": "webhook-resend", "id": delivery_id, "at": at.isoformat()})

    def send_test_event(self, endpoint_id: str, event: dict[str, Any]) -> None:
        self.commit({"op": "webhook-test", "id": endpoint_id, "event": event})

    # -- champions: grants by voter id, and editors' profile rules ---------------------------

    def grant_champion(self, grant: Champion) -> Champion:
        return self.commit({"op": "champion-grant", "grant": champion_doc(grant)})

    def revoke_champion(self, voter_id: str) -> bool:
        return bool(self.commit({"op": "champion-revoke", "voter": voter_id}))

    def is_champion(self, voter_id: str) -> bool:
        with self.reading() as state:
            return voter_id in state.champions

    def list_champions(self) -> list[Champion]:
        with self.reading() as state:
            return list(state.champions.values())

    def set_profile_rule(self, rule: ProfileRule) -> ProfileRule | None:
        return self.commit({"op": "profile-rule", "rule": rule_doc(rule)})

    def profile_rules(self) -> dict[str, ProfileRule]:
        with self.reading() as state:
            return dict(state.profile_rules)


def _due(state: State, consumer: str, now: datetime, before: datetime | None
         ) -> Iterator[Delivery]:
    for delivery_id in state.open_deliveries:
        delivery = state.deliveries[delivery_id]
        if delivery.consumer == consumer and delivery.next_attempt <= now and (
                before is None or delivery.created_at < before):
            yield delivery


def _any_due(state: State, consumer: str, now: datetime, before: datetime | None) -> bool:
    return next(_due(state, consumer, now, before), None) is not None
