"""The PostgreSQL store: the scale-out backend for several processes and hosts.

Selected by ``POLLSERVER_DATABASE_URL=postgresql://...``. Connections come from one
``psycopg_pool.ConnectionPool`` per process and run in autocommit mode, so a step that is one
statement (a first vote, an answer) costs one round trip, and steps of several statements open
an explicit transaction. The SQL lives in ``pollserver/store/pg/``, one module per noun; the
schema in ``pollserver/store/migrations/``. Rules are enforced by the database (unique keys,
row locks), never by a read in Python followed by a write, so any number of processes can
write at once.

A database outage is answered at once, not waited on: short connect and pool timeouts, and a
circuit breaker (``store/breaker.py``) that refuses calls for a moment after a failure, so
every call during an outage raises ``StoreUnavailable`` (503 with ``Retry-After``) within the
timeouts and the server's threads stay free for static pages and ``/api/health``. The first
call after the cooldown probes the database with a fresh connection; when it answers, the
pool is replaced (the old one may be sleeping in its reconnect back-off), so service comes
back by itself as soon as the database does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from pollserver.domain.errors import StoreUnavailable
from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse, SyncReport, Tally
from pollserver.domain.statuses import StatusChange
from pollserver.store.base import Store
from pollserver.store.breaker import Breaker
from pollserver.store.postgres import (
    editors,
    jams,
    polls,
    rewards,
    roadmap,
    surveys,
    transfer,
    voters,
)
from pollserver.store.postgres import items as item_rows
from pollserver.store.postgres import outbox as outbox_rows
from pollserver.store.postgres import schema as migrations
from pollserver.store.postgres.store_champions import PostgresChampions
from pollserver.store.postgres.store_outbox import PostgresOutbox
from pollserver.store.postgres.store_webhooks import PostgresWebhooks

__all__ = ["PostgresStore"]

log = logging.getLogger("pollserver.store")

T = TypeVar("T")

#: How long (seconds) :meth:`PostgresStore.recent_item` may reuse an item it read: an editor's
#: early close or a sync made by another process shows on this one's hot path within this.
ITEM_TTL = 1.0

#: How often a step is retried after PostgreSQL broke a deadlock by aborting it. Lock orders
#: are fixed, so this only covers rare cross-jam merges and erasures meeting each other.
RETRIES = 5

#: Seconds unacknowledged data may sit on a connection before the kernel gives it up, so a
#: database that vanishes silently (a cut cable, not a refused connection) is noticed too.
TCP_USER_TIMEOUT_MS = 5000


class PostgresStore(PostgresChampions, PostgresWebhooks, PostgresOutbox, Store):
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
        self.url = url
        self.schema = schema_name = schema
        # Sessions run in UTC so timestamps come back the same on every host. Options given in
        # the URL (``?options=-csearch_path%3Dhub``) are kept, and ours are added after them.
        given = conninfo_to_dict(url).get("options")
        options = f"{given} -c TimeZone=UTC" if given else "-c TimeZone=UTC"
        if schema_name is not None:
            options += f" -c search_path={migrations.valid_schema_name(schema_name)}"
        self.options = options
        # recent_item's copies: (kind, id) -> (read at, item_writes then, item). Writes made
        # through this store bump item_writes, which makes every older copy stale at once.
        self._recent: dict[tuple[str, str], tuple[float, int, Item]] = {}
        self._item_writes = 0
        self.breaker = breaker or Breaker()
        self._connect_kwargs: dict[str, Any] = {
            "autocommit": True, "options": options, "connect_timeout": max(1, connect_timeout),
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS}
        self._pool_args: dict[str, Any] = {"min_size": min_size, "max_size": max_size,
                                           "timeout": timeout}
        self.pool = self._new_pool()
        if auto_upgrade:
            try:
                self.upgrade()
            except BaseException:
                self.pool.close()
                raise

    def upgrade(self) -> list[int]:
        """Apply pending schema migrations; return their versions (``[]`` when current)."""
        # A dedicated connection: the migration lock is per session, and it changes settings.
        with psycopg.connect(self.url, **self._connect_kwargs) as conn:
            return migrations.upgrade(conn, self.schema)

    def _new_pool(self) -> ConnectionPool:
        return ConnectionPool(self.url, open=True, name="pollserver",
                              kwargs=self._connect_kwargs, **self._pool_args)

    def _unavailable(self) -> StoreUnavailable:
        return StoreUnavailable("The database cannot be reached right now; please try again.")

    def _probe(self) -> None:
        """While the circuit is open: try one fresh connection; on success renew the pool."""
        try:
            with psycopg.connect(self.url, **self._connect_kwargs) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self.breaker.failure(str(exc).strip())
            raise self._unavailable() from exc
        old, self.pool = self.pool, self._new_pool()
        if self.breaker.success():
            log.warning("PostgreSQL answers again; the store is back")
        # The old pool may be waiting out a long reconnect back-off; close it aside.
        threading.Thread(target=old.close, kwargs={"timeout": 1.0}, daemon=True).start()

    def health(self) -> str | None:
        try:
            self._run(migrations.current_version)
        except StoreUnavailable:
            return self.breaker.last_error or "the database cannot be reached"
        return None

    def schema_version(self) -> int:
        """Return the database's schema version (0 before the first upgrade)."""
        return self._run(migrations.current_version)

    def _run(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one store step on a pooled connection, retrying if chosen as a deadlock victim.

        Events handed over by ``emit`` are written in the step's own transaction. A lost or
        refused connection, or no free connection within the pool timeout, opens the circuit
        and raises ``StoreUnavailable``; so does any call while it is open.
        """
        events = self.take_events()
        if not self.breaker.allow():
            raise self._unavailable()
        if self.breaker.is_open:  # this caller is the one probing
            self._probe()
        for attempt in range(RETRIES):
            try:
                with self.pool.connection() as conn:
                    if not events:
                        result = step(conn, *args, **kwargs)
                    else:
                        with conn.transaction():
                            result = step(conn, *args, **kwargs)
                            outbox_rows.write_events(conn, events, result)
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise
                continue
            except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout,
                    PoolClosed) as exc:
                if not self.breaker.is_open:
                    log.warning("PostgreSQL unavailable (%s); answering 503 until it is back",
                                str(exc).strip() or type(exc).__name__)
                self.breaker.failure(str(exc).strip() or type(exc).__name__)
                raise self._unavailable() from exc
            self.breaker.success()
            return result
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool.close()

    def import_tables(self, tables: dict[str, dict[str, dict[str, Any]]]) -> dict[str, int]:
        """Load snapshot tables (``documents.to_tables`` format) into this empty store.

        Not part of the ``Store`` interface: only ``pollserver migrate`` needs it, and only a
        migration target has to offer it.
        """
        try:
            return self._run(transfer.import_tables, tables)
        finally:
            self._items_changed()

    def export_tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Return everything as snapshot tables, so this store can be a migration source."""
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
