"""Random sequences of votes, ideas, idea votes and merges: every durable store agrees with a
tiny independent model.

The model is a few dicts written from the rules in DESIGN.md and ``store/base.py``, not the
MemoryStore, so a rule that is wrong in the shared state machine would show up here as a
disagreement rather than being copied into the expectation. Each step is applied to the model
and to each store; the outcome (result or error class) must match, and after every step the
tallies, each voter's votes, the ideas' counts and statuses and each voter's idea votes must
too. The TinyDB store is reopened now and then, so replay is checked against the model as well.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pollserver.domain.errors import AlreadyVoted, BadRequest, Conflict, NotFound, NoVotesLeft
from pollserver.store.base import Store
from pollserver.store.tinydb import TinyDBStore
from tests.store.conftest import DATABASE_URL

AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
POLLS = ("pa", "pb")
JAMS = ("ja", "jb")
VOTERS = ("v0", "v1", "v2")
OPTIONS = ("x", "y", "z")


def _none(_: object) -> None:
    """Drop a step's return value (ids differ between stores and are compared elsewhere)."""


class Model:
    """The rules, as plainly as they can be written down."""

    def __init__(self) -> None:
        self.votes: dict[tuple[str, str], tuple[str, ...]] = {}
        self.ideas: list[dict[str, Any]] = []  # index = model idea number
        self.backing: dict[tuple[str, str], set[int]] = {}  # (jam, voter) -> ideas

    def vote(self, poll: str, voter: str, choices: tuple[str, ...], replace: bool) -> Any:
        previous = self.votes.get((poll, voter))
        if previous is not None and not replace:
            raise AlreadyVoted("again")
        self.votes[(poll, voter)] = choices
        return previous

    def tally(self, poll: str) -> tuple[int, dict[str, int]]:
        counts: Counter[str] = Counter()
        total = 0
        for (p, _), choices in self.votes.items():
            if p == poll:
                total += 1
                counts.update(choices)
        return total, dict(counts)

    def add_idea(self, jam: str, moderation: str) -> int:
        self.ideas.append({"jam": jam, "moderation": moderation, "status": "open",
                           "merged_into": None})
        return len(self.ideas) - 1

    def mine(self, jam: str, voter: str) -> set[int]:
        return self.backing.setdefault((jam, voter), set())

    def votes_for(self, n: int) -> int:
        return sum(n in ideas for ideas in self.backing.values())

    def vote_idea(self, jam: str, n: int, voter: str, budget: int) -> None:
        idea = self.ideas[n]
        if idea["jam"] != jam:
            raise NotFound("other jam")
        if idea["moderation"] != "published" or idea["status"] == "merged":
            raise Conflict("closed")
        mine = self.mine(jam, voter)
        if n in mine:
            raise AlreadyVoted("again")
        if budget and len(mine) >= budget:
            raise NoVotesLeft("spent")
        mine.add(n)

    def unvote_idea(self, jam: str, n: int, voter: str) -> bool:
        if self.ideas[n]["jam"] != jam:
            raise NotFound("other jam")
        mine = self.mine(jam, voter)
        if n not in mine:
            return False
        mine.discard(n)
        return True

    def merge(self, source: int, target: int) -> None:
        s, t = self.ideas[source], self.ideas[target]
        if source == target or s["jam"] != t["jam"] or t["status"] == "merged":
            raise BadRequest("no")
        for (jam, _), mine in self.backing.items():
            if jam == s["jam"] and source in mine:
                mine.discard(source)
                mine.add(target)  # backing both counts once
        s.update(status="merged", merged_into=target)


class StoreMachine(RuleBasedStateMachine):
    """Drive the model and every store with the same steps."""

    #: Set by the test: a PostgreSQL store shared by all examples (each uses its own ids).
    postgres: Store | None = None

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.tmp = Path(tempfile.mkdtemp(prefix="vh-model-"))
        # Per-example prefix: the PostgreSQL store is shared by every example of the run.
        self.prefix = uuid.uuid4().hex[:8] + "-"
        self.stores: dict[str, Store] = {"tinydb": TinyDBStore(self.tmp, snapshot_every=7)}
        if self.postgres is not None:
            self.stores["postgres"] = self.postgres
        self.ids: dict[str, list[str]] = {name: [] for name in self.stores}

    def teardown(self) -> None:
        self.stores["tinydb"].close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _id(self, name: str) -> str:
        return self.prefix + name

    def _all(self, step, model_step) -> Any:
        """Run a step on the model and each store; the outcomes must agree."""
        try:
            expected: Any = ("ok", model_step())
        except (AlreadyVoted, BadRequest, Conflict, NoVotesLeft, NotFound) as exc:
            expected = ("error", type(exc).__name__)
        for name, store in self.stores.items():
            try:
                got: Any = ("ok", step(name, store))
            except (AlreadyVoted, BadRequest, Conflict, NoVotesLeft, NotFound) as exc:
                got = ("error", type(exc).__name__)
            assert got == expected, f"{name}: {got} != model {expected}"
        return expected

    # -- steps -------------------------------------------------------------------------

    @rule(poll=st.sampled_from(POLLS), voter=st.sampled_from(VOTERS),
          choices=st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=2, unique=True),
          replace=st.booleans())
    def vote(self, poll: str, voter: str, choices: list[str], replace: bool) -> None:
        def step(_: str, store: Store) -> Any:
            previous = store.record_vote(self._id(poll), self._id(voter), choices,
                                         replace=replace, at=AT)
            return tuple(previous) if previous is not None else None

        self._all(step, lambda: self.model.vote(poll, voter, tuple(choices), replace))

    @rule(jam=st.sampled_from(JAMS), moderation=st.sampled_from(["published", "published",
                                                                 "pending"]))
    def add_idea(self, jam: str, moderation: str) -> None:
        def step(name: str, store: Store) -> None:
            idea = store.add_idea(self._id(jam), title="An idea", body="", author=None,
                                  voter_id=None, moderation=moderation, at=AT)
            self.ids[name].append(idea.id)

        self._all(step, lambda: _none(self.model.add_idea(jam, moderation)))

    @precondition(lambda self: self.model.ideas)
    @rule(data=st.data(), voter=st.sampled_from(VOTERS), budget=st.sampled_from([0, 1, 1, 2]))
    def vote_idea(self, data: st.DataObject, voter: str, budget: int) -> None:
        n = data.draw(st.integers(0, len(self.model.ideas) - 1), label="idea")
        jam = self.model.ideas[n]["jam"]
        if data.draw(st.integers(0, 7), label="wrong jam?") == 0:
            jam = JAMS[1 - JAMS.index(jam)]
        self._all(lambda name, store: store.vote_idea(
                      self._id(jam), self.ids[name][n], self._id(voter), budget=budget, at=AT),
                  lambda: self.model.vote_idea(jam, n, voter, budget))

    @precondition(lambda self: self.model.ideas)
    @rule(data=st.data(), voter=st.sampled_from(VOTERS))
    def unvote_idea(self, data: st.DataObject, voter: str) -> None:
        n = data.draw(st.integers(0, len(self.model.ideas) - 1), label="idea")
        jam = self.model.ideas[n]["jam"]
        self._all(lambda name, store: store.unvote_idea(
                      self._id(jam), self.ids[name][n], self._id(voter)),
                  lambda: self.model.unvote_idea(jam, n, voter))

    @precondition(lambda self: len(self.model.ideas) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        count = len(self.model.ideas)
        source = data.draw(st.integers(0, count - 1), label="source")
        target = data.draw(st.integers(0, count - 1), label="target")
        self._all(lambda name, store: _none(store.merge_ideas(
                      self.ids[name][source], self.ids[name][target])),
                  lambda: self.model.merge(source, target))

    @precondition(lambda self: self.model.ideas)
    @rule(data=st.data())
    def publish(self, data: st.DataObject) -> None:
        n = data.draw(st.integers(0, len(self.model.ideas) - 1), label="idea")
        self.model.ideas[n]["moderation"] = "published"
        for name, store in self.stores.items():
            store.update_idea(self.ids[name][n], moderation="published")

    @rule()
    def restart_tinydb(self) -> None:
        self.stores["tinydb"].close()
        self.stores["tinydb"] = TinyDBStore(self.tmp, snapshot_every=7)

    # -- agreement ---------------------------------------------------------------------

    @invariant()
    def polls_agree(self) -> None:
        for poll in POLLS:
            total, counts = self.model.tally(poll)
            for name, store in self.stores.items():
                tally = store.tally(self._id(poll))
                got = {k: n for k, n in tally.counts.items() if n}
                assert (tally.total, got) == (total, counts), f"{name} tally of {poll}"
                for voter in VOTERS:
                    mine = store.vote_of(self._id(poll), self._id(voter))
                    expected = self.model.votes.get((poll, voter))
                    assert (tuple(mine) if mine is not None else None) == expected, name

    @invariant()
    def jams_agree(self) -> None:
        for name, store in self.stores.items():
            ids = self.ids[name]
            number = {idea_id: n for n, idea_id in enumerate(ids)}
            for jam in JAMS:
                listed = store.list_ideas(self._id(jam))
                expected = [n for n, i in enumerate(self.model.ideas) if i["jam"] == jam]
                assert [number[i.id] for i in listed] == expected, f"{name} ideas of {jam}"
                for idea in listed:
                    n = number[idea.id]
                    want = self.model.ideas[n]
                    assert idea.votes == self.model.votes_for(n), f"{name} votes of idea {n}"
                    assert idea.status == want["status"], f"{name} status of idea {n}"
                    merged = number.get(idea.merged_into) if idea.merged_into else None
                    assert merged == want["merged_into"], f"{name} merge of idea {n}"
                for voter in VOTERS:
                    mine = {number[i] for i in store.idea_votes_of(self._id(jam),
                                                                     self._id(voter))}
                    assert mine == self.model.mine(jam, voter), f"{name} {voter} in {jam}"


def _postgres() -> Store | None:
    try:
        import psycopg

        from pollserver.store.postgres import PostgresStore
    except ImportError:
        return None
    try:
        return PostgresStore(DATABASE_URL, schema=f"test_model_{uuid.uuid4().hex[:12]}",
                             timeout=5)
    except psycopg.OperationalError:
        return None


@pytest.fixture
def postgres_store():
    """One PostgreSQL store in its own schema for the whole run, or ``None`` if it is down."""
    store = _postgres()
    yield store
    if store is not None:
        schema = store.schema
        store.close()
        import psycopg

        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_stores_agree_with_the_model(postgres_store, monkeypatch) -> None:
    monkeypatch.setattr(StoreMachine, "postgres", postgres_store)
    run_state_machine_as_test(StoreMachine, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))


@pytest.mark.postgres
def test_postgres_is_part_of_the_model_run(postgres_store) -> None:
    # The model test silently narrows to TinyDB when PostgreSQL is down; this makes it loud.
    if postgres_store is None:
        from tests.conftest import need_service

        need_service("PostgreSQL", f"{DATABASE_URL} does not answer")
