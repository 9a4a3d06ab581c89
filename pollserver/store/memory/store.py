"""The reference store: every ``Store`` call as an operation on the state machine.

Tests and benches use it as the model other backends must match. It holds an *engine*
(``engine.py``) and runs each change through ``engine.commit`` and each read inside
``engine.reading()``: a bare :class:`~pollserver.store.memory.engine.Memory` here, the journaling
group commit in the TinyDB store, which is this class built with that engine. So the rules
live in exactly one place (``state.py`` and its parts) and the translation of calls into
operations in one module per noun (``items.py`` ... ``events.py``): plain functions taking
the store first, bound below one line each, so callers still write ``store.tally(poll)``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from pollserver.store.base import Store, Tables
from pollserver.store.memory import (
    champions,
    customers,
    editors,
    events,
    items,
    jams,
    polls,
    rewards,
    roadmap,
    shares,
    surveys,
    tokens,
    voters,
    webhooks,
)
from pollserver.store.memory.documents import to_tables
from pollserver.store.memory.engine import Engine, Memory
from pollserver.store.memory.state import State

__all__ = ["MemoryStore"]


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

    # The Store interface, noun by noun (the modules beside this one; see store/base.py).

    sync_items = items.sync_items
    get_item = items.get_item
    list_items = items.list_items
    set_closed_at = items.set_closed_at

    record_vote = polls.record_vote
    tally = polls.tally
    vote_of = polls.vote_of
    withdraw_vote = polls.withdraw_vote

    add_idea = jams.add_idea
    get_idea = jams.get_idea
    list_ideas = jams.list_ideas
    vote_idea = jams.vote_idea
    unvote_idea = jams.unvote_idea
    idea_voters = jams.idea_voters
    idea_votes_of = jams.idea_votes_of
    jam_version = jams.jam_version
    update_idea = jams.update_idea
    merge_ideas = jams.merge_ideas

    add_response = surveys.add_response
    list_responses = surveys.list_responses
    response_of = surveys.response_of

    add_codes = rewards.add_codes
    claim_code = rewards.claim_code
    code_of = rewards.code_of
    pool_stats = rewards.pool_stats
    revoke_codes = rewards.revoke_codes

    put_admin = editors.put_admin
    get_admin = editors.get_admin
    add_audit = editors.add_audit
    list_audit = editors.list_audit
    add_editor_session = editors.add_editor_session
    editor_session = editors.editor_session
    revoke_editor_sessions = editors.revoke_editor_sessions

    voter_data = voters.voter_data
    erase_voter = voters.erase_voter

    list_events = events.list_events
    add_events = events.add_events
    request_follow = events.request_follow
    follow_addresses = events.follow_addresses
    get_follow = events.get_follow
    confirm_follow = events.confirm_follow
    unsubscribe = events.unsubscribe
    erase_follows = events.erase_follows
    purge_follows = events.purge_follows
    follower_counts = events.follower_counts
    followed_by = events.followed_by
    feed_token = events.feed_token
    feed_voter = events.feed_voter
    claim_deliveries = events.claim_deliveries
    finish_delivery = events.finish_delivery
    list_deliveries = events.list_deliveries

    add_webhook = webhooks.add_webhook
    list_webhooks = webhooks.list_webhooks
    get_webhook = webhooks.get_webhook
    set_webhook = webhooks.set_webhook
    delete_webhook = webhooks.delete_webhook
    record_attempt = webhooks.record_attempt
    list_attempts = webhooks.list_attempts
    resend_delivery = webhooks.resend_delivery
    send_test_event = webhooks.send_test_event

    grant_champion = champions.grant_champion
    revoke_champion = champions.revoke_champion
    is_champion = champions.is_champion
    list_champions = champions.list_champions
    set_profile_rule = champions.set_profile_rule
    profile_rules = champions.profile_rules

    share_token = shares.share_token
    sharer_of = shares.sharer_of
    credit_share = shares.credit_share
    friends_brought = shares.friends_brought
    erase_shares = shares.erase_shares
    mark_verified = customers.mark_verified
    is_verified = customers.is_verified
    verified_voters = customers.verified_voters
    verified_poll_voters = customers.verified_poll_voters

    status_history = roadmap.status_history
    status_changes = roadmap.status_changes

    add_token = tokens.add_token
    list_tokens = tokens.list_tokens
    revoke_token = tokens.revoke_token
    find_token = tokens.find_token
