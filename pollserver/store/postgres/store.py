"""The PostgreSQL store: the scale-out backend for several processes and hosts.

Selected by ``POLLSERVER_DATABASE_URL=postgresql://...``. Every method is one step of SQL run
through the :class:`~pollserver.store.postgres.connection.Database` it holds (pool, circuit
breaker, deadlock retries, the step's events in its own transaction). The SQL lives beside
this module, one module per noun; the schema in ``migrations/``. Rules are enforced by the
database (unique keys, row locks), never by a read in Python followed by a write, so any
number of processes can write at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from psycopg_pool import ConnectionPool

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.domain.errors import StoreUnavailable
from pollserver.domain.outbox import Delivery, Event, Follow
from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse, SyncReport, Tally
from pollserver.domain.statuses import StatusChange
from pollserver.domain.webhooks import Attempt, Endpoint
from pollserver.store.base import Store, Tables
from pollserver.store.breaker import Breaker
from pollserver.store.postgres import (
    champions,
    editors,
    jams,
    outbox,
    polls,
    rewards,
    roadmap,
    surveys,
    transfer,
    voters,
    webhooks,
)
from pollserver.store.postgres import items as item_rows
from pollserver.store.postgres import schema as migrations
from pollserver.store.postgres.connection import Database

__all__ = ["ITEM_TTL", "PostgresStore"]

T = TypeVar("T")

#: How long (seconds) :meth:`PostgresStore.recent_item` may reuse an item it read: an editor's
#: early close or a sync made by another process shows on this one's hot path within this.
ITEM_TTL = 1.0


def _no_change(conn: Any) -> None:
    """The step of ``add_events``: its events are all it writes."""


class PostgresStore(Store):
    """Keep pollserver's state in PostgreSQL (optionally in one named schema)."""

    backend = "postgres"

    def __init__(self, url: str, *, schema: str | None = None, min_size: int = 1,
                 max_size: int = 10, auto_upgrade: bool = True, timeout: float = 2.0,
                 connect_timeout: int = 2, breaker: Breaker | None = None) -> None:
        """Open the pool; with ``auto_upgrade`` also migrate, as the app does at start.

        ``schema`` confines every table to that PostgreSQL schema (created on upgrade), which
        is how tests run in parallel against one database without seeing each other's data.
        ``timeout`` is how long a call waits for a pooled connection and ``connect_timeout``
        how long opening one may take (seconds) before the call fails with 503.
        """
        self.db = Database(url, schema=schema, min_size=min_size, max_size=max_size,
                           timeout=timeout, connect_timeout=connect_timeout, breaker=breaker)
        # recent_item's copies: (kind, id) -> (read at, item_writes then, item). Writes made
        # through this store bump item_writes, which makes every older copy stale at once.
        self._recent: dict[tuple[str, str], tuple[float, int, Item]] = {}
        self._item_writes = 0
        if auto_upgrade:
            try:
                self.upgrade()
            except BaseException:
                self.db.close()
                raise

    @property
    def url(self) -> str:
        """The database URL the store was opened with."""
        return self.db.url

    @property
    def schema(self) -> str | None:
        """The PostgreSQL schema every table is in (``None``: the URL's search path)."""
        return self.db.schema

    @property
    def pool(self) -> ConnectionPool:
        """The connection pool (replaced after an outage, so read it when needed)."""
        return self.db.pool

    def upgrade(self) -> list[int]:
        """Apply pending schema migrations; return their versions (``[]`` when current)."""
        return self.db.upgrade()

    def health(self) -> str | None:
        try:
            self._run(migrations.current_version)
        except StoreUnavailable:
            return self.db.breaker.last_error or "the database cannot be reached"
        return None

    def schema_version(self) -> int:
        """Return the database's schema version (0 before the first upgrade)."""
        return self._run(migrations.current_version)

    def _run(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one step (with the events ``emit`` handed to this call) on the database."""
        return self.db.run(self.take_events(), step, *args, **kwargs)

    def close(self) -> None:
        """Close every pooled connection."""
        self.db.close()

    def import_tables(self, tables: Tables) -> dict[str, int]:
        try:
            return self._run(transfer.import_tables, tables)
        finally:
            self._items_changed()

    def export_tables(self) -> Tables:
        return self._run(transfer.export_tables)

    # -- items -------------------------------------------------------------------------

    def _items_changed(self) -> None:
        self._item_writes += 1
        self._recent.clear()

    def sync_items(self, items: Sequence[Item]) -> SyncReport:
        try:
            return self._run(item_rows.sync_items, items)
        finally:
            self._items_changed()

    def get_item(self, kind: str, item_id: str) -> Item | None:
        return self._run(item_rows.get_item, kind, item_id)

    def recent_item(self, kind: str, item_id: str) -> Item | None:
        key = (kind, item_id)
        now = time.monotonic()
        hit = self._recent.get(key)
        if hit is not None and now - hit[0] < ITEM_TTL and hit[1] == self._item_writes:
            return hit[2]
        writes = self._item_writes  # taken before the read: a write meanwhile makes it stale
        item = self.get_item(kind, item_id)
        if item is not None:  # unknown ids are not kept: anyone can ask for any id
            self._recent[key] = (now, writes, item)
        return item

    def list_items(self, kind: str | None = None) -> list[Item]:
        return self._run(item_rows.list_items, kind)

    def set_closed_at(self, kind: str, item_id: str, closed_at: datetime | None) -> None:
        try:
            self._run(item_rows.set_closed_at, kind, item_id, closed_at)
        finally:
            self._items_changed()

    # -- polls -------------------------------------------------------------------------

    def record_vote(self, poll_id: str, voter_id: str, choices: Sequence[str], *,
                    replace: bool, at: datetime) -> tuple[str, ...] | None:
        return self._run(polls.record_vote, poll_id, voter_id, choices, replace=replace, at=at)

    def record_vote_and_tally(self, poll_id: str, voter_id: str, choices: Sequence[str], *,
                              replace: bool, at: datetime
                              ) -> tuple[tuple[str, ...] | None, Tally]:
        return self._run(polls.record_vote_and_tally, poll_id, voter_id, choices,
                         replace=replace, at=at)

    def tally(self, poll_id: str) -> Tally:
        return self._run(polls.tally, poll_id)

    def vote_of(self, poll_id: str, voter_id: str) -> tuple[str, ...] | None:
        return self._run(polls.vote_of, poll_id, voter_id)

    def withdraw_vote(self, poll_id: str, voter_id: str) -> bool:
        return self._run(polls.withdraw_vote, poll_id, voter_id)

    # -- jams --------------------------------------------------------------------------

    def add_idea(self, jam_id: str, *, title: str, body: str, author: str | None,
                 voter_id: str | None, moderation: str, at: datetime) -> Idea:
        return self._run(jams.add_idea, jam_id, title=title, body=body, author=author,
                         voter_id=voter_id, moderation=moderation, at=at)

    def get_idea(self, idea_id: str) -> Idea | None:
        return self._run(jams.get_idea, idea_id)

    def list_ideas(self, jam_id: str) -> list[Idea]:
        return self._run(jams.list_ideas, jam_id)

    def vote_idea(self, jam_id: str, idea_id: str, voter_id: str, *, budget: int,
                  at: datetime) -> None:
        self._run(jams.vote_idea, jam_id, idea_id, voter_id, budget=budget, at=at)

    def unvote_idea(self, jam_id: str, idea_id: str, voter_id: str) -> bool:
        return self._run(jams.unvote_idea, jam_id, idea_id, voter_id)

    def idea_votes_of(self, jam_id: str, voter_id: str) -> set[str]:
        return self._run(jams.idea_votes_of, jam_id, voter_id)

    def update_idea(self, idea_id: str, *, at: datetime | None = None, note: str = "",
                    **changes: Any) -> Idea:
        return self._run(jams.update_idea, idea_id, changes, at, note)

    def status_history(self, idea_id: str) -> list[StatusChange]:
        return self._run(roadmap.status_history, idea_id)

    def status_changes(self, limit: int = 500) -> list[StatusChange]:
        return self._run(roadmap.status_changes, limit)

    def merge_ideas(self, source_id: str, target_id: str) -> Idea:
        return self._run(jams.merge_ideas, source_id, target_id)

    # -- surveys -----------------------------------------------------------------------

    def add_response(self, survey_id: str, *, voter_id: str | None, score: int, category: str,
                     comment: str, consent_to_quote: bool, at: datetime) -> SurveyResponse:
        return self._run(surveys.add_response, survey_id, voter_id=voter_id, score=score,
                         category=category, comment=comment,
                         consent_to_quote=consent_to_quote, at=at)

    def list_responses(self, survey_id: str) -> list[SurveyResponse]:
        return self._run(surveys.list_responses, survey_id)

    def response_of(self, survey_id: str, voter_id: str) -> SurveyResponse | None:
        return self._run(surveys.response_of, survey_id, voter_id)

    # -- rewards -----------------------------------------------------------------------

    def add_codes(self, pool: str, codes: Iterable[str]) -> int:
        return self._run(rewards.add_codes, pool, list(codes))

    def claim_code(self, pool: str, voter_id: str, *, at: datetime) -> str | None:
        return self._run(rewards.claim_code, pool, voter_id, at=at)

    def code_of(self, pool: str, voter_id: str) -> str | None:
        return self._run(rewards.code_of, pool, voter_id)

    def pool_stats(self) -> dict[str, tuple[int, int]]:
        return self._run(rewards.pool_stats)

    def revoke_codes(self, pool: str) -> int:
        return self._run(rewards.revoke_codes, pool)

    # -- editors -----------------------------------------------------------------------

    def put_admin(self, username: str, password_hash: str) -> None:
        self._run(editors.put_admin, username, password_hash)

    def get_admin(self, username: str) -> str | None:
        return self._run(editors.get_admin, username)

    def add_audit(self, entry: AuditEntry) -> None:
        self._run(editors.add_audit, entry)

    def list_audit(self, limit: int = 500) -> list[AuditEntry]:
        return self._run(editors.list_audit, limit)

    def add_editor_session(self, session_hash: str, username: str, *, at: datetime) -> None:
        self._run(editors.add_session, session_hash, username, at)

    def editor_session(self, session_hash: str) -> str | None:
        return self._run(editors.session_editor, session_hash)

    def revoke_editor_sessions(self, *, session_hash: str | None = None,
                               username: str | None = None) -> int:
        return self._run(editors.revoke_sessions, session_hash, username)

    # -- voters ------------------------------------------------------------------------

    def voter_data(self, voter_id: str) -> dict[str, Any]:
        return self._run(voters.voter_data, voter_id)

    def erase_voter(self, voter_id: str, *, withdraw_polls: Iterable[str],
                    withdraw_jams: Iterable[str]) -> dict[str, int]:
        return self._run(voters.erase_voter, voter_id, withdraw_polls=list(withdraw_polls),
                         withdraw_jams=list(withdraw_jams))

    # -- outbox ------------------------------------------------------------------------

    def list_events(self, *, subjects: Collection[str] | None = None, voter: str | None = None,
                    after: datetime | None = None, types: Collection[str] | None = None,
                    limit: int = 100) -> list[Event]:
        return self._run(outbox.list_events, None if subjects is None else sorted(subjects),
                         voter, after, None if types is None else sorted(types), limit)

    def add_events(self) -> None:
        self._run(_no_change)

    def request_follow(self, follow: Follow, event: dict[str, Any]) -> None:
        self._run(outbox.request_follow, follow, event)

    def get_follow(self, follow_id: str) -> Follow | None:
        return self._run(outbox.get_follow, follow_id)

    def confirm_follow(self, follow_id: str, *, at: datetime) -> Follow:
        return self._run(outbox.confirm_follow, follow_id, at)

    def unsubscribe(self, follow_id: str) -> int:
        return self._run(outbox.unsubscribe, follow_id)

    def erase_follows(self, voter_id: str) -> int:
        return self._run(outbox.erase_follows, voter_id)

    def purge_follows(self, now: datetime) -> int:
        return self._run(outbox.purge_follows, now)

    def follower_counts(self) -> dict[str, int]:
        return self._run(outbox.follower_counts)

    def feed_token(self, voter_id: str, token: str) -> str:
        return self._run(outbox.feed_token, voter_id, token)

    def feed_voter(self, token: str) -> str | None:
        return self._run(outbox.feed_voter, token)

    def claim_deliveries(self, consumer: str, *, now: datetime, lease: timedelta, claim: str,
                         limit: int = 20, created_before: datetime | None = None
                         ) -> list[Delivery]:
        return self._run(outbox.claim_deliveries, consumer, now, lease, claim, limit,
                         created_before)

    def finish_delivery(self, delivery_id: str, claim: str, *, at: datetime,
                        error: str | None = None, retry_at: datetime | None = None) -> bool:
        return self._run(outbox.finish_delivery, delivery_id, claim, at, error, retry_at)

    def list_deliveries(self, consumer: str | None = None, *, limit: int = 200
                        ) -> list[Delivery]:
        return self._run(outbox.list_deliveries, consumer, limit)

    # -- webhooks ----------------------------------------------------------------------

    def add_webhook(self, endpoint: Endpoint) -> Endpoint:
        return self._run(webhooks.add_webhook, endpoint)

    def list_webhooks(self) -> list[Endpoint]:
        return self._run(webhooks.list_webhooks)

    def get_webhook(self, endpoint_id: str) -> Endpoint | None:
        return self._run(webhooks.get_webhook, endpoint_id)

    def set_webhook(self, endpoint_id: str, *, enabled: bool | None = None,
                    events: tuple[str, ...] | None = None,
                    include_text: bool | None = None) -> Endpoint:
        return self._run(webhooks.set_webhook, endpoint_id, enabled, events, include_text)

    def delete_webhook(self, endpoint_id: str) -> None:
        self._run(webhooks.delete_webhook, endpoint_id)

    def record_attempt(self, attempt: Attempt) -> Endpoint:
        return self._run(webhooks.record_attempt, attempt)

    def list_attempts(self, endpoint_id: str, *, limit: int = 50) -> list[Attempt]:
        return self._run(webhooks.list_attempts, endpoint_id, limit)

    def resend_delivery(self, delivery_id: str, *, at: datetime) -> Delivery:
        return self._run(webhooks.resend_delivery, delivery_id, at)

    def send_test_event(self, endpoint_id: str, event: dict[str, Any]) -> None:
        self._run(webhooks.send_test_event, endpoint_id, event)

    # -- champions ---------------------------------------------------------------------

    def grant_champion(self, grant: Champion) -> Champion:
        return self._run(champions.grant_champion, grant)

    def revoke_champion(self, voter_id: str) -> bool:
        return self._run(champions.revoke_champion, voter_id)

    def is_champion(self, voter_id: str) -> bool:
        return self._run(champions.is_champion, voter_id)

    def list_champions(self) -> list[Champion]:
        return self._run(champions.list_champions)

    def set_profile_rule(self, rule: ProfileRule) -> ProfileRule | None:
        return self._run(champions.set_profile_rule, rule)

    def profile_rules(self) -> dict[str, ProfileRule]:
        return self._run(champions.profile_rules)
