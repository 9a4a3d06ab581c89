"""The PostgreSQL store: the scale-out backend for several processes and hosts.

Selected by ``POLLSERVER_DATABASE_URL=postgresql://...``. Every method is one step of SQL run
through the :class:`~pollserver.store.postgres.connection.Database` it holds (pool, circuit
breaker, deadlock retries, the step's events in its own transaction). The SQL lives beside
this module, one module per noun; the schema in ``migrations/``. Rules are enforced by the
database (unique keys, row locks), never by a read in Python followed by a write, so any
number of processes can write at once.

The class body is a table: a SQL step whose signature is the interface method's (after the
connection) is bound with :func:`step` (``tally = step(polls.tally)``); a call that needs more
than one step as given is a function beside the SQL taking the store first, bound as it is
(``add_codes = rewards.add_codes``). Either way callers write ``store.tally(poll)``, and mypy
checks each binding against the interface.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from psycopg import Connection
from psycopg_pool import ConnectionPool

from pollserver.domain.errors import StoreUnavailable
from pollserver.domain.records import Item, SyncReport
from pollserver.store.base import Store, Tables
from pollserver.store.breaker import Breaker
from pollserver.store.postgres import (
    champions,
    customers,
    editors,
    jams,
    outbox,
    polls,
    rewards,
    roadmap,
    shares,
    surveys,
    tokens,
    transfer,
    voters,
    webhooks,
)
from pollserver.store.postgres import items as item_rows
from pollserver.store.postgres import schema as migrations
from pollserver.store.postgres.connection import Database

__all__ = ["ITEM_TTL", "PostgresStore", "step"]

P = ParamSpec("P")
T = TypeVar("T")

#: How long (seconds) :meth:`PostgresStore.recent_item` may reuse an item it read: an editor's
#: early close or a sync made by another process shows on this one's hot path within this.
ITEM_TTL = 1.0


def step(sql: Callable[Concatenate[Connection, P], T]
         ) -> Callable[Concatenate[PostgresStore, P], T]:
    """Bind a SQL step as a store method whose call runs it as one step (``store.run``)."""

    @functools.wraps(sql)
    def call(store: PostgresStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return store.run(sql, *args, **kwargs)

    return call


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
            self.run(migrations.current_version)
        except StoreUnavailable:
            return self.db.breaker.last_error or "the database cannot be reached"
        return None

    def schema_version(self) -> int:
        """Return the database's schema version (0 before the first upgrade)."""
        return self.run(migrations.current_version)

    def run(self, sql: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run one step (with the events ``emit`` handed to this call) on the database; the
        step's own arguments may have any names (``events=`` is ``set_webhook``'s)."""
        return self.db.run(self.take_events(), sql, *args, **kwargs)

    def close(self) -> None:
        """Close every pooled connection."""
        self.db.close()

    def import_tables(self, tables: Tables) -> dict[str, int]:
        try:
            return self.run(transfer.import_tables, tables)
        finally:
            self._items_changed()

    def export_tables(self) -> Tables:
        return self.run(transfer.export_tables)

    # -- items: writes through this store make recent_item's copies stale at once -----

    def _items_changed(self) -> None:
        self._item_writes += 1
        self._recent.clear()

    def sync_items(self, items: Sequence[Item]) -> SyncReport:
        try:
            return self.run(item_rows.sync_items, items)
        finally:
            self._items_changed()

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

    def set_closed_at(self, kind: str, item_id: str, closed_at: datetime | None) -> None:
        try:
            self.run(item_rows.set_closed_at, kind, item_id, closed_at)
        finally:
            self._items_changed()

    # -- the rest of the Store interface, noun by noun (see store/base.py) -------------

    get_item = step(item_rows.get_item)
    list_items = step(item_rows.list_items)

    record_vote = step(polls.record_vote)
    record_vote_and_tally = step(polls.record_vote_and_tally)
    tally = step(polls.tally)
    vote_of = step(polls.vote_of)
    withdraw_vote = step(polls.withdraw_vote)

    add_idea = step(jams.add_idea)
    get_idea = step(jams.get_idea)
    list_ideas = step(jams.list_ideas)
    vote_idea = step(jams.vote_idea)
    unvote_idea = step(jams.unvote_idea)
    idea_voters = step(jams.idea_voters)
    idea_votes_of = step(jams.idea_votes_of)
    update_idea = step(jams.update_idea)
    merge_ideas = step(jams.merge_ideas)

    add_response = step(surveys.add_response)
    list_responses = step(surveys.list_responses)
    response_of = step(surveys.response_of)

    add_codes = rewards.add_codes
    claim_code = step(rewards.claim_code)
    code_of = step(rewards.code_of)
    pool_stats = step(rewards.pool_stats)
    revoke_codes = step(rewards.revoke_codes)

    put_admin = step(editors.put_admin)
    get_admin = step(editors.get_admin)
    add_audit = step(editors.add_audit)
    list_audit = step(editors.list_audit)
    add_editor_session = step(editors.add_editor_session)
    editor_session = step(editors.editor_session)
    revoke_editor_sessions = step(editors.revoke_editor_sessions)

    voter_data = step(voters.voter_data)
    erase_voter = voters.erase_voter

    list_events = step(outbox.list_events)
    add_events = step(outbox.add_events)
    request_follow = step(outbox.request_follow)
    follow_addresses = step(outbox.follow_addresses)
    get_follow = step(outbox.get_follow)
    confirm_follow = step(outbox.confirm_follow)
    unsubscribe = step(outbox.unsubscribe)
    erase_follows = step(outbox.erase_follows)
    purge_follows = step(outbox.purge_follows)
    follower_counts = step(outbox.follower_counts)
    followed_by = step(outbox.followed_by)
    feed_token = step(outbox.feed_token)
    feed_voter = step(outbox.feed_voter)
    claim_deliveries = step(outbox.claim_deliveries)
    finish_delivery = step(outbox.finish_delivery)
    list_deliveries = step(outbox.list_deliveries)

    add_webhook = step(webhooks.add_webhook)
    list_webhooks = step(webhooks.list_webhooks)
    get_webhook = step(webhooks.get_webhook)
    set_webhook = step(webhooks.set_webhook)
    delete_webhook = step(webhooks.delete_webhook)
    record_attempt = step(webhooks.record_attempt)
    list_attempts = step(webhooks.list_attempts)
    resend_delivery = step(webhooks.resend_delivery)
    send_test_event = step(webhooks.send_test_event)

    grant_champion = step(champions.grant_champion)
    revoke_champion = step(champions.revoke_champion)
    is_champion = step(champions.is_champion)
    list_champions = step(champions.list_champions)
    set_profile_rule = step(champions.set_profile_rule)
    profile_rules = step(champions.profile_rules)

    share_token = step(shares.share_token)
    sharer_of = step(shares.sharer_of)
    credit_share = step(shares.credit_share)
    friends_brought = step(shares.friends_brought)
    erase_shares = step(shares.erase_shares)
    mark_verified = step(customers.mark_verified)
    is_verified = step(customers.is_verified)
    verified_voters = step(customers.verified_voters)
    verified_poll_voters = step(customers.verified_poll_voters)

    status_history = step(roadmap.status_history)
    status_changes = step(roadmap.status_changes)

    add_token = step(tokens.add_token)
    list_tokens = step(tokens.list_tokens)
    revoke_token = step(tokens.revoke_token)
    find_token = step(tokens.find_token)
