"""Random sequences of every store operation: each durable store agrees with a tiny
independent model (``model.py``), across restarts.

Steps: sync (create, update, archive, unarchive), close and reopen, votes, ideas, idea votes
and unvotes, moderation, merges, survey answers, reward codes (load, claim, revoke), erasure
and exports. Each step is applied to the model and to each store; the outcome (result or
error class) must match, and after every step the items, tallies, each voter's votes, the
ideas' counts and statuses, each voter's idea votes, the answers and the code pools must too.
The TinyDB store and the PostgreSQL store are closed and reopened now and then, so replay and
persistence are checked against the model as well.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs a longer profile.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
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
from tests.conftest import make_item
from tests.store.conftest import DATABASE_URL
from tests.store.model import Model

AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
POLLS = ("pa", "pb")
JAMS = ("ja", "jb")
SURVEYS = ("sa",)
POOLS = ("ka", "kb")
VOTERS = ("v0", "v1", "v2")
OPTIONS = ("x", "y", "z")
ITEMS = tuple([("poll", p) for p in POLLS] + [("jam", j) for j in JAMS]
              + [("survey", s) for s in SURVEYS])
ERRORS = (AlreadyVoted, BadRequest, Conflict, NoVotesLeft, NotFound)

#: (examples, steps per example) per ``HYPOTHESIS_PROFILE``.
PROFILES = {"default": (20, 30), "ci": (40, 40)}


def _none(_: object) -> None:
    """Drop a step's return value (ids differ between stores and are compared elsewhere)."""


class StoreMachine(RuleBasedStateMachine):
    """Drive the model and every durable store with the same steps."""

    #: Set by the test: the PostgreSQL schema all examples share (each uses its own ids).
    postgres_schema: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.tmp = Path(tempfile.mkdtemp(prefix="vh-model-"))
        # Per-example prefix: the PostgreSQL schema is shared by every example of the run.
        self.prefix = uuid.uuid4().hex[:8] + "-"
        self.stores: dict[str, Store] = {"tinydb": self._open("tinydb")}
        if self.postgres_schema is not None:
            self.stores["postgres"] = self._open("postgres")
        self.ids: dict[str, list[str]] = {name: [] for name in self.stores}

    def _open(self, name: str) -> Store:
        if name == "tinydb":
            return TinyDBStore(self.tmp, snapshot_every=7)
        from pollserver.store.postgres import PostgresStore

        return PostgresStore(DATABASE_URL, schema=self.postgres_schema, timeout=5, max_size=2)

    def teardown(self) -> None:
        for store in self.stores.values():
            store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _id(self, name: str) -> str:
        return self.prefix + name

    def _all(self, step, model_step) -> Any:
        """Run a step on the model and each store; the outcomes must agree."""
        try:
            expected: Any = ("ok", model_step())
        except ERRORS as exc:
            expected = ("error", type(exc).__name__)
        for name, store in self.stores.items():
            try:
                got: Any = ("ok", step(name, store))
            except ERRORS as exc:
                got = ("error", type(exc).__name__)
            assert got == expected, f"{name}: {got} != model {expected}"
        return expected

    def _label(self, key: tuple[str, str]) -> str:
        return f"{key[0]}:{self._id(key[1])}"

    # -- items -------------------------------------------------------------------------

    @rule(listed=st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 1)))
    def sync(self, listed: dict[tuple[str, str], int]) -> None:
        items = []
        for (kind, item_id), variant in sorted(listed.items()):
            block: dict[str, Any] = {"id": self._id(item_id)}
            if kind == "poll":
                block.update(question=f"Question {variant}?", options=["X", "Y", "Z"])
            elif kind == "jam":
                block.update(title=f"Jam {variant}")
            else:
                block.update(question=f"Would you recommend us ({variant})?")
            items.append(make_item(kind, **block))
        labels = {self._label(key): key for key in ITEMS}

        def step(_: str, store: Store) -> Any:
            report = store.sync_items(items)
            return {field: {labels[x] for x in getattr(report, field) if x in labels}
                    for field in ("created", "updated", "unchanged", "archived")}

        self._all(step, lambda: self.model.sync(listed))

    @rule(key=st.sampled_from(ITEMS), closed=st.sampled_from([AT, None]))
    def close(self, key: tuple[str, str], closed: datetime | None) -> None:
        self._all(lambda _, store: store.set_closed_at(key[0], self._id(key[1]), closed),
                  lambda: self.model.close(key, closed))

    # -- polls -------------------------------------------------------------------------

    @rule(poll=st.sampled_from(POLLS), voter=st.sampled_from(VOTERS),
          choices=st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=2, unique=True),
          replace=st.booleans())
    def vote(self, poll: str, voter: str, choices: list[str], replace: bool) -> None:
        def step(_: str, store: Store) -> Any:
            previous = store.record_vote(self._id(poll), self._id(voter), choices,
                                         replace=replace, at=AT)
            return tuple(previous) if previous is not None else None

        self._all(step, lambda: self.model.vote(poll, voter, tuple(choices), replace))

    # -- jams --------------------------------------------------------------------------

    @rule(jam=st.sampled_from(JAMS), voter=st.sampled_from((None, *VOTERS)),
          moderation=st.sampled_from(["published", "published", "pending"]))
    def add_idea(self, jam: str, voter: str | None, moderation: str) -> None:
        def step(name: str, store: Store) -> None:
            idea = store.add_idea(self._id(jam), title="An idea", body="", author=None,
                                  voter_id=self._id(voter) if voter else None,
                                  moderation=moderation, at=AT)
            self.ids[name].append(idea.id)

        self._all(step, lambda: _none(self.model.add_idea(jam, moderation, voter)))

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
    @rule(data=st.data(), moderation=st.sampled_from(["published", "hidden", "rejected"]))
    def moderate(self, data: st.DataObject, moderation: str) -> None:
        n = data.draw(st.integers(0, len(self.model.ideas) - 1), label="idea")
        self._all(lambda name, store: _none(
                      store.update_idea(self.ids[name][n], moderation=moderation)),
                  lambda: self.model.moderate(n, moderation))

    # -- surveys, rewards, voters ------------------------------------------------------

    @rule(survey=st.sampled_from(SURVEYS), voter=st.sampled_from((None, *VOTERS)),
          score=st.integers(0, 10), comment=st.sampled_from(["", "Great", "Slow"]))
    def answer(self, survey: str, voter: str | None, score: int, comment: str) -> None:
        category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        self._all(lambda _, store: _none(store.add_response(
                      self._id(survey), voter_id=self._id(voter) if voter else None,
                      score=score, category=category, comment=comment,
                      consent_to_quote=bool(comment), at=AT)),
                  lambda: self.model.answer(survey, voter, score, comment))

    @rule(pool=st.sampled_from(POOLS),
          codes=st.lists(st.sampled_from([f"C{n}" for n in range(6)]), max_size=4))
    def add_codes(self, pool: str, codes: list[str]) -> None:
        mine = [self._id(pool + c) for c in codes]
        self._all(lambda _, store: store.add_codes(self._id(pool), mine),
                  lambda: self.model.add_codes(pool, mine))

    @rule(pool=st.sampled_from(POOLS), voter=st.sampled_from(VOTERS))
    def claim(self, pool: str, voter: str) -> None:
        self._all(lambda _, store: store.claim_code(self._id(pool), self._id(voter), at=AT),
                  lambda: self.model.claim(pool, voter))

    @rule(pool=st.sampled_from(POOLS))
    def revoke(self, pool: str) -> None:
        self._all(lambda _, store: store.revoke_codes(self._id(pool)),
                  lambda: self.model.revoke(pool))

    @rule(voter=st.sampled_from(VOTERS), polls=st.sets(st.sampled_from(POLLS)),
          jams=st.sets(st.sampled_from(JAMS)))
    def erase(self, voter: str, polls: set[str], jams: set[str]) -> None:
        self._all(lambda _, store: store.erase_voter(
                      self._id(voter), withdraw_polls=[self._id(p) for p in sorted(polls)],
                      withdraw_jams=[self._id(j) for j in sorted(jams)]),
                  lambda: self.model.erase(voter, sorted(polls), sorted(jams)))

    @rule(voter=st.sampled_from(VOTERS))
    def export(self, voter: str) -> None:
        model = self.model
        expected = {
            "votes": {self._id(p): list(c) for (p, v), c in model.votes.items() if v == voter},
            "rewards": {self._id(pool): code for pool, claims in model.claims.items()
                        for v, code in claims.items() if v == voter},
            "ideas": sum(i["voter"] == voter for i in model.ideas),
            "responses": sum(a["voter"] == voter for answers in model.responses.values()
                             for a in answers)}
        for name, store in self.stores.items():
            data = store.voter_data(self._id(voter))
            got = {"votes": data["votes"], "rewards": data["rewards"],
                   "ideas": len(data["ideas"]), "responses": len(data["responses"])}
            assert got == expected, f"{name}: export of {voter}"

    # -- restarts ----------------------------------------------------------------------

    @rule(name=st.sampled_from(["tinydb", "postgres"]))
    def restart(self, name: str) -> None:
        if name in self.stores:
            self.stores[name].close()
            self.stores[name] = self._open(name)

    # -- agreement ---------------------------------------------------------------------

    @invariant()
    def items_agree(self) -> None:
        for kind, item_id in ITEMS:
            want = self.model.items.get((kind, item_id))
            for name, store in self.stores.items():
                item = store.get_item(kind, self._id(item_id))
                got = None if item is None else {"archived": item.archived,
                                                 "closed": item.closed_at}
                assert got == (None if want is None else {
                    "archived": want["archived"], "closed": want["closed"]}), name

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
                    assert idea.moderation == want["moderation"], f"{name} idea {n}"
                    assert idea.voter_id == (self._id(want["voter"]) if want["voter"]
                                             else None), f"{name} author of idea {n}"
                    merged = number.get(idea.merged_into) if idea.merged_into else None
                    assert merged == want["merged_into"], f"{name} merge of idea {n}"
                for voter in VOTERS:
                    mine = {number[i] for i in store.idea_votes_of(self._id(jam),
                                                                     self._id(voter))}
                    assert mine == self.model.mine(jam, voter), f"{name} {voter} in {jam}"

    @invariant()
    def answers_and_codes_agree(self) -> None:
        for name, store in self.stores.items():
            for survey in SURVEYS:
                got = [{"voter": r.voter_id, "score": r.score, "comment": r.comment}
                       for r in store.list_responses(self._id(survey))]
                want = [{**a, "voter": self._id(a["voter"]) if a["voter"] else None}
                        for a in self.model.responses.get(survey, [])]
                assert got == want, f"{name} answers of {survey}"
            stats = {pool: counts for pool, counts in store.pool_stats().items()
                     if pool.startswith(self.prefix)}
            want_stats = {self._id(pool): counts
                          for pool, counts in self.model.pool_stats().items()}
            assert stats == want_stats, f"{name} pools"
            for pool in POOLS:
                for voter in VOTERS:
                    assert store.code_of(self._id(pool), self._id(voter)) == \
                        self.model.claims.get(pool, {}).get(voter), f"{name} code of {voter}"


@pytest.fixture
def postgres_schema():
    """One PostgreSQL schema for the whole run (made by a first store), or ``None`` if down."""
    try:
        import psycopg

        from pollserver.store.postgres import PostgresStore
    except ImportError:
        yield None
        return
    schema = f"test_model_{uuid.uuid4().hex[:12]}"
    try:
        PostgresStore(DATABASE_URL, schema=schema, timeout=5).close()
    except psycopg.OperationalError:
        yield None
        return
    yield schema
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_stores_agree_with_the_model(postgres_schema, monkeypatch) -> None:
    monkeypatch.setattr(StoreMachine, "postgres_schema", postgres_schema)
    examples, steps = PROFILES.get(os.environ.get("HYPOTHESIS_PROFILE", ""), PROFILES["default"])
    run_state_machine_as_test(StoreMachine, settings=settings(
        max_examples=examples, stateful_step_count=steps, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))


@pytest.mark.postgres
def test_postgres_is_part_of_the_model_run(postgres_schema) -> None:
    # The model test silently narrows to TinyDB when PostgreSQL is down; this makes it loud.
    if postgres_schema is None:
        from tests.conftest import need_service

        need_service("PostgreSQL", f"{DATABASE_URL} does not answer")
