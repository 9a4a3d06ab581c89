"""The store by noun: ``store.polls.record_vote(...)``, ``store.jams.add_idea(...)``.

``Store`` is one interface of some fifty methods; new code reads better, and a reviewer sees
at once which part of the data a change touches, when calls go through the noun they are
about (Isso splits its ``db/`` the same way). Each noun is a thin view: it holds the store and
hands out the store's own bound methods, so there is one implementation per backend, no
forwarding code to keep in step, and the atomicity of every call is the store's.

Every public ``Store`` method belongs to exactly one noun (``tests/store/test_nouns.py``
checks it, so a method added to the contract must be given a noun here), except the few in
:data:`STORE_LEVEL`, which are about the store itself. ``store.emit(...)`` stays on the store:
it returns the store for its next call, e.g. ``store.emit(event).update_idea(...)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["NOUNS", "STORE_LEVEL", "ChampionGrants", "Editors", "Follows", "Items", "Jams",
           "Noun", "Outboxes", "Polls", "Rewards", "Surveys", "Voters"]


class Noun:
    """A view on one part of a store: its methods are the store's, by name."""

    METHODS: ClassVar[tuple[str, ...]] = ()

    __slots__ = ("_store",)

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in self.METHODS:
            return getattr(self._store, name)
        raise AttributeError(f"store.{type(self).__name__.lower()} has no {name!r} "
                             f"(its methods: {', '.join(self.METHODS)})")

    def __dir__(self) -> list[str]:
        return sorted(self.METHODS)


class Items(Noun):
    """The polls, jams and surveys the site declares (``pollserver sync``)."""

    METHODS = ("sync_items", "get_item", "recent_item", "list_items", "set_closed_at")


class Polls(Noun):
    """Votes on polls and their tallies."""

    METHODS = ("record_vote", "record_vote_and_tally", "tally", "vote_of", "withdraw_vote")


class Jams(Noun):
    """Ideas, idea votes, moderation and merges."""

    METHODS = ("add_idea", "get_idea", "list_ideas", "vote_idea", "unvote_idea",
               "idea_votes_of", "jam_version", "update_idea", "merge_ideas", "status_history",
               "status_changes")


class Surveys(Noun):
    """Promoter survey answers."""

    METHODS = ("add_response", "list_responses")


class Rewards(Noun):
    """Reward code pools and claims."""

    METHODS = ("add_codes", "claim_code", "code_of", "pool_stats", "revoke_codes")


class Voters(Noun):
    """What the store holds about one reader: export and erase."""

    METHODS = ("voter_data", "erase_voter")


class Editors(Noun):
    """Editor accounts, sessions and the audit log."""

    METHODS = ("put_admin", "get_admin", "add_editor_session", "editor_session",
               "revoke_editor_sessions", "add_audit", "list_audit")


class Follows(Noun):
    """Followers of ideas and jams, and the reader's private feed."""

    METHODS = ("request_follow", "get_follow", "confirm_follow", "unsubscribe",
               "erase_follows", "purge_follows", "follower_counts", "feed_token", "feed_voter")


class Outboxes(Noun):
    """Events written with the changes that caused them, and their deliveries."""

    METHODS = ("list_events", "add_events", "claim_deliveries", "finish_delivery",
               "list_deliveries")


class WebhookEndpoints(Noun):
    """Webhook endpoints editors registered, and the log of every delivery try."""

    METHODS = ("add_webhook", "list_webhooks", "get_webhook", "set_webhook", "delete_webhook",
               "record_attempt", "list_attempts", "resend_delivery", "send_test_event")


class ChampionGrants(Noun):
    """Champions (grants by voter id) and the editors' rules for profiles (by slug)."""

    METHODS = ("grant_champion", "revoke_champion", "is_champion", "list_champions",
               "set_profile_rule", "profile_rules")


#: ``store.<name>`` -> its noun.
NOUNS: dict[str, type[Noun]] = {
    "items": Items, "polls": Polls, "jams": Jams, "surveys": Surveys, "rewards": Rewards,
    "voters": Voters, "editors": Editors, "follows": Follows, "outbox": Outboxes,
    "webhooks": WebhookEndpoints, "champions": ChampionGrants,
}

#: Methods about the store itself (or the event plumbing of one call), on no noun.
STORE_LEVEL = frozenset({"emit", "take_events", "with_events", "health", "close"})
