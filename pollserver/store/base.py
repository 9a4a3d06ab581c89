"""The ``Store`` interface every backend implements (memory, TinyDB, PostgreSQL).

Each method is one atomic step: it either happens completely and durably (for the durable
backends, before it returns) or raises and changes nothing. Uniqueness rules (one vote per
item and voter, vote budgets, one reward code per voter and pool) are enforced here, inside
the store, so parallel requests can never count twice.

**The whole interface, and its size** (``tests/store/test_interface.py`` keeps these numbers
true): 78 abstract methods in nine modules of this folder, called flat (``store.tally(p)``):

==========================================================  ================  =======
part                                                        module            methods
==========================================================  ================  =======
items 4, polls 4, jams 8, surveys 3, rewards 5, editors 7,  ``base.py``            33
voters 2
events, follows, feeds, deliveries                          ``outbox.py``          15
webhook endpoints and attempts                              ``webhooks.py``         9
champion grants and profile rules                           ``champions.py``        6
status history                                              ``roadmap.py``          2
share tokens and friends' credits                           ``shares.py``           5
editor API tokens                                           ``tokens.py``           4
verified customers                                          ``customers.py``        4
==========================================================  ================  =======

Optional, with defaults here: ``recent_item``, ``idea_voters``, ``record_vote_and_tally``,
``jam_version``, ``health``, ``close``, and for ``pollserver migrate``
``export_tables``/``import_tables``.
``emit`` (events for the next call) is written once, in ``outbox.py``.

**How a backend implements it: one module per noun, bound in the class.** A backend's
store class holds only its machinery (engine or connection pool, caches) and a table: each
method is one line binding a plain function of a noun module beside it. The memory store's
noun modules (``memory/polls.py``; ``memory/events.py`` for the outbox, whose state-machine
half is ``memory/outbox.py``) hold calls taking the store first (``def tally(store:
MemoryStore, poll_id)``), bound as they are (``tally = polls.tally``); the PostgreSQL store's
(``postgres/polls.py``) hold SQL steps taking the connection first, with the interface's
signature after it, bound with ``step`` (``tally = step(polls.tally)``), or, when a call needs
more than one step as given, a call taking the store first beside them. Calls stay flat
(``store.tally(p)``), mypy checks every binding against the interface, and
``tests/store/test_composition.py`` keeps it one implementation (no mixins; no noun module
touches the store's private names).

**Adding a noun** (say claims), where N is its number of methods:

1. the interface: ``store/claims.py``, an ABC ``Claims`` of N abstract methods with their
   docstrings, added to ``Store``'s bases and as a row of the table above;
2. memory: ``memory/claims.py`` with the N calls (and, for data of its own, a ``ClaimState``
   part of the state machine: fields, ``_op_*`` handlers listed in ``state.OPERATIONS``, its
   snapshot tables for ``documents.py``, what ``erasure.py`` must forget), and N lines in
   ``MemoryStore``'s body; TinyDB inherits them (its journal replays the same operations);
3. PostgreSQL: ``postgres/claims.py`` with the N steps, the tables in a new migration (plus
   ``transfer.py`` for ``pollserver migrate``), and N lines in ``PostgresStore``'s body;
4. a contract suite ``tests/store/test_claims_contract.py`` on the ``backend`` fixture, which
   runs it on all three backends.

A module passing 400 lines is split the same way (``tests/test_module_size.py``).

**Two ways to a new backend.** The cheap one is an *engine* under the memory store
(``memory/engine.py``: ``commit(op)``, ``reading()``, ``compact()``, three methods): the
state machine keeps every rule, and the engine only makes its operations durable or shared;
the TinyDB store is exactly that (``tinydb/``). The other is a ``Store`` subclass with all 68
methods, each a query of the new database (``postgres/``). Either way, add the backend to
``open_store`` (``__init__.py``) and to the ``backend`` fixture of ``tests/store/conftest.py``,
and the contract suites in ``tests/store/`` run on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import Any

from pollserver.domain.records import AuditEntry, Idea, Item, SurveyResponse, SyncReport, Tally
from pollserver.store.champions import Champions
from pollserver.store.customers import Customers
from pollserver.store.outbox import Outbox
from pollserver.store.roadmap import Roadmap
from pollserver.store.shares import Shares
from pollserver.store.tokens import Tokens
from pollserver.store.webhooks import Webhooks

__all__ = ["Store", "Tables"]

#: The snapshot table format (``memory/documents.py``): table -> row id -> document.
Tables = dict[str, dict[str, dict[str, Any]]]


class Store(Champions, Customers, Webhooks, Outbox, Roadmap, Shares, Tokens, ABC):
    """Persistent state of pollserver: the methods below, and the parts it is composed of
    (see the table above)."""

    #: Name reported by ``/api/health``.
    backend: str = "abstract"

    # -- items -------------------------------------------------------------------------

    @abstractmethod
    def sync_items(self, items: Sequence[Item]) -> SyncReport:
        """Upsert the manifest's items; archive (never delete) items no longer listed.

        Votes, ideas and answers are never touched. An archived item that reappears is
        unarchived.
        """

    @abstractmethod
    def get_item(self, kind: str, item_id: str) -> Item | None:
        """Return the item, archived or not, or ``None``."""

    def recent_item(self, kind: str, item_id: str) -> Item | None:
        """:meth:`get_item` for the request hot path, which a remote backend may answer from a
        short-lived per-process copy (changes made through this store show at once, other
        processes' within about a second). Optional: the default asks :meth:`get_item`."""
        return self.get_item(kind, item_id)

    @abstractmethod
    def list_items(self, kind: str | None = None) -> list[Item]:
        """Return every item (archived included), ordered by kind then id."""

    @abstractmethod
    def set_closed_at(self, kind: str, item_id: str, closed_at: datetime | None) -> None:
        """Close an item early (or reopen with ``None``); raises ``NotFound``."""

    # -- polls -------------------------------------------------------------------------

    @abstractmethod
    def record_vote(
        self, poll_id: str, voter_id: str, choices: Sequence[str], *, replace: bool, at: datetime
    ) -> tuple[str, ...] | None:
        """Store a voter's choices and update the tally in the same step.

        Returns the previous choices when ``replace`` allowed a change of mind. Raises
        ``AlreadyVoted`` when the voter already voted and ``replace`` is false.
        """

    def record_vote_and_tally(
        self, poll_id: str, voter_id: str, choices: Sequence[str], *, replace: bool, at: datetime
    ) -> tuple[tuple[str, ...] | None, Tally]:
        """:meth:`record_vote`, then :meth:`tally`; a backend may do both in one round trip
        (the tally then includes this vote). Optional: the default makes the two calls."""
        previous = self.record_vote(poll_id, voter_id, choices, replace=replace, at=at)
        return previous, self.tally(poll_id)

    @abstractmethod
    def tally(self, poll_id: str) -> Tally:
        """Return the current counts (kept incrementally, never recounted per read)."""

    @abstractmethod
    def vote_of(self, poll_id: str, voter_id: str) -> tuple[str, ...] | None:
        """Return the voter's choices, or ``None``."""

    @abstractmethod
    def withdraw_vote(self, poll_id: str, voter_id: str) -> bool:
        """Remove a voter's vote (data erasure); return whether there was one."""

    # -- jams --------------------------------------------------------------------------

    @abstractmethod
    def add_idea(
        self,
        jam_id: str,
        *,
        title: str,
        body: str,
        author: str | None,
        voter_id: str | None,
        moderation: str,
        at: datetime,
    ) -> Idea:
        """Store a new idea and return it with its generated id."""

    @abstractmethod
    def get_idea(self, idea_id: str) -> Idea | None:
        """Return the idea with its vote count, or ``None``."""

    @abstractmethod
    def list_ideas(self, jam_id: str) -> list[Idea]:
        """Return every idea of a jam (any moderation state), oldest first."""

    @abstractmethod
    def vote_idea(
        self, jam_id: str, idea_id: str, voter_id: str, *, budget: int, at: datetime
    ) -> None:
        """Give an idea the voter's vote.

        Raises ``AlreadyVoted`` for a second vote on the same idea and ``NoVotesLeft`` when the
        voter already holds ``budget`` votes in this jam (``budget`` 0 means unlimited). The
        check and the write are one step, so parallel votes never overspend.
        """

    @abstractmethod
    def unvote_idea(self, jam_id: str, idea_id: str, voter_id: str) -> bool:
        """Take the voter's vote back; return whether there was one."""

    @abstractmethod
    def idea_votes_of(self, jam_id: str, voter_id: str) -> set[str]:
        """Return the ids of the ideas this voter voted for in the jam."""

    def idea_voters(self, jam_id: str) -> dict[str, set[str]]:
        """Return idea id -> the voters backing it in the jam (for champion points, which
        count distinct voters and cap what one voter can give).

        Optional only in that it has no abstract slot; every backend implements it.
        """
        raise NotImplementedError

    def jam_version(self, jam_id: str) -> Hashable | None:
        """Return a cheap value that changes whenever what ``list_ideas(jam_id)`` returns (or
        who voted for what in the jam) changes, or ``None`` when the backend cannot tell.

        Optional: views cache a jam's idea list under it. A value read *before* the data it
        labels may label newer data, never older. ``None`` (the default) means no caching.
        """
        return None

    @abstractmethod
    def update_idea(self, idea_id: str, *, at: datetime | None = None, note: str = "",
                    **changes: Any) -> Idea:
        """Change moderation, status, winner, title, body or author; raises ``NotFound``.

        A change of ``status`` is added to the idea's history (see ``roadmap.py``) with ``at``
        and the editor's ``note``, in the same step.
        """

    @abstractmethod
    def merge_ideas(self, source_id: str, target_id: str) -> Idea:
        """Merge ``source`` into ``target``: votes move, a voter who backed both counts once.

        The source becomes status ``merged`` with ``merged_into`` set; returns the target.
        """

    # -- surveys -----------------------------------------------------------------------

    @abstractmethod
    def add_response(
        self,
        survey_id: str,
        *,
        voter_id: str | None,
        score: int,
        category: str,
        comment: str,
        consent_to_quote: bool,
        at: datetime,
    ) -> SurveyResponse:
        """Store one answer; raises ``AlreadyVoted`` if this voter answered already."""

    @abstractmethod
    def list_responses(self, survey_id: str) -> list[SurveyResponse]:
        """Return the survey's answers, oldest first."""

    @abstractmethod
    def response_of(self, survey_id: str, voter_id: str) -> SurveyResponse | None:
        """Return this voter's answer to the survey, or ``None`` (without reading the rest)."""

    # -- rewards -----------------------------------------------------------------------

    @abstractmethod
    def add_codes(self, pool: str, codes: Iterable[str]) -> int:
        """Add codes to a pool, skipping ones it already holds; return how many were new."""

    @abstractmethod
    def claim_code(self, pool: str, voter_id: str, *, at: datetime) -> str | None:
        """Hand the voter one unused code, or the one they already have; ``None`` if empty."""

    @abstractmethod
    def code_of(self, pool: str, voter_id: str) -> str | None:
        """Return the code this voter holds from the pool, if any."""

    @abstractmethod
    def pool_stats(self) -> dict[str, tuple[int, int]]:
        """Return ``{pool: (codes in pool, codes claimed)}``."""

    @abstractmethod
    def revoke_codes(self, pool: str) -> int:
        """Remove the pool's unclaimed codes; return how many were removed."""

    # -- editors -----------------------------------------------------------------------

    @abstractmethod
    def put_admin(self, username: str, password_hash: str) -> None:
        """Create an editor account or replace its password hash."""

    @abstractmethod
    def get_admin(self, username: str) -> str | None:
        """Return the editor's password hash, or ``None``."""

    @abstractmethod
    def add_audit(self, entry: AuditEntry) -> None:
        """Append an editor action to the audit log."""

    @abstractmethod
    def list_audit(self, limit: int = 500) -> list[AuditEntry]:
        """Return the newest audit entries first."""

    @abstractmethod
    def add_editor_session(self, session_hash: str, username: str, *, at: datetime) -> None:
        """Remember a signed-in editor's session (by a hash of its id, never the id)."""

    @abstractmethod
    def editor_session(self, session_hash: str) -> str | None:
        """Return the editor of a live session, or ``None`` once it was revoked."""

    @abstractmethod
    def revoke_editor_sessions(self, *, session_hash: str | None = None,
                               username: str | None = None) -> int:
        """Revoke one session (log out) or every session of an editor (sign out
        everywhere); return how many were live."""

    # -- voters ------------------------------------------------------------------------

    @abstractmethod
    def voter_data(self, voter_id: str) -> dict[str, Any]:
        """Return everything stored about one voter id (for ``GET /api/me``).

        Keys: ``votes`` ``{poll: [choices]}``, ``idea_votes`` ``{jam: [idea ids]}``,
        ``ideas`` (list of dicts), ``responses`` (list of dicts), ``rewards`` ``{pool: code}``.
        """

    @abstractmethod
    def erase_voter(self, voter_id: str, *, withdraw_polls: Iterable[str],
                    withdraw_jams: Iterable[str]) -> dict[str, int]:
        """Forget a voter: withdraw their votes in the given open polls and jams, anonymise
        their ideas and answers, and unlink the voter id from what stays. Returns counts."""

    # -- lifecycle ---------------------------------------------------------------------

    def health(self) -> str | None:
        """Return ``None`` when the store can serve, else why not (``/api/health`` says 503).

        Optional: a local store that opened is taken to be healthy.
        """
        return None

    def close(self) -> None:  # noqa: B027 - optional hook, like TinyDB's Storage.close
        """Flush and release resources; the store is unusable afterwards."""

    # -- migration (pollserver migrate) ------------------------------------------------

    def export_tables(self) -> Tables:
        """Return everything as snapshot tables (a migration's source).

        Optional: a backend that cannot raises ``NotImplementedError``.
        """
        raise NotImplementedError(f"a {self.backend} store cannot be a migration source")

    def import_tables(self, tables: Tables) -> dict[str, int]:
        """Load snapshot tables into this empty store; return rows per table (a migration's
        target). Optional: a backend that cannot raises ``NotImplementedError`` (the
        embedded stores take a copy as a new data dir instead: ``migrate.write_data_dir``).
        """
        raise NotImplementedError(f"a {self.backend} store cannot be a migration target")
