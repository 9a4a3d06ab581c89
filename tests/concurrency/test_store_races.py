"""Budgets, one code and one answer per voter hold when every voter races itself, many
times over, in one process (threads on one store) and across processes (one store object
per process on one data dir, as gunicorn's workers have).

Each round releases all racers at once (a barrier) on one fresh voter: each spends a vote of
a budget of one on its own idea, claims a code from one pool and answers one survey. Exactly
one vote, one code and one answer may be *told* to the racers of every round (the files read
again afterwards would hide a second acceptance: replay refuses it). Four hundred rounds of
four racers make the race windows meet many times: with the store's cross-process ``flock``
taken out, the process version fails. In one process the writer is serialised three times
over (the group commit's single leader, the file lock's mutex and the state lock); with all
three taken out the thread version fails. The gunicorn tests (``test_workers_per_kind.py``)
show the same rules over HTTP.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pollserver.domain.errors import AlreadyVoted, NoVotesLeft
from pollserver.store.tinydb import TinyDBStore
from tests.conftest import make_item
from tests.instant import TEST_NOW

pytestmark = pytest.mark.slow

RACERS = 4
ROUNDS = 400


def _arrange(data_dir: Path) -> list[str]:
    store = TinyDBStore(data_dir)
    try:
        store.sync_items([make_item("jam", id="j", title="Race", votes_per_person=1),
                          make_item("survey", id="s")])
        store.add_codes("pool", [f"CODE-{n:03d}" for n in range(ROUNDS * RACERS)])
        return [store.add_idea("j", title=f"Idea number {n}", body="", author=None,
                               voter_id=None, moderation="published", at=TEST_NOW).id
                for n in range(RACERS)]
    finally:
        store.close()


Outcome = tuple[bool, str | None, bool]  # (vote accepted, code given, answer accepted)


def _race(store: TinyDBStore, idea: str, wait: Callable[[], Any]) -> list[Outcome]:
    """Run every round on ``store``; return what this racer was told in each round."""
    told = []
    for n in range(ROUNDS):
        voter = f"voter-{n}"
        wait()
        try:
            store.vote_idea("j", idea, voter, budget=1, at=TEST_NOW)
            voted = True
        except NoVotesLeft:
            voted = False
        code = store.claim_code("pool", voter, at=TEST_NOW)
        try:
            store.add_response("s", voter_id=voter, score=9, category="promoter", comment="",
                               consent_to_quote=False, at=TEST_NOW)
            answered = True
        except AlreadyVoted:
            answered = False
        told.append((voted, code, answered))
    return told


def _check(data_dir: Path, told: list[list[Outcome]]) -> None:
    # What the racers were told: one vote, one code, one answer per voter, never more.
    for n in range(ROUNDS):
        rounds = [mine[n] for mine in told]
        assert sum(voted for voted, _, _ in rounds) == 1, (n, rounds)
        assert len({code for _, code, _ in rounds}) == 1 and rounds[0][1], (n, rounds)
        assert sum(answered for _, _, answered in rounds) == 1, (n, rounds)
    # And what the files hold when read again.
    store = TinyDBStore(data_dir)
    try:
        for n in range(ROUNDS):
            voter = f"voter-{n}"
            assert len(store.idea_votes_of("j", voter)) == 1, voter
            assert store.code_of("pool", voter) == told[0][n][1]
        assert sum(i.votes for i in store.list_ideas("j")) == ROUNDS
        assert sorted(r.voter_id or "" for r in store.list_responses("s")) == sorted(
            f"voter-{n}" for n in range(ROUNDS))
        assert store.pool_stats()["pool"] == (ROUNDS * RACERS, ROUNDS)
    finally:
        store.close()


def test_threads_on_one_store(tmp_path: Path) -> None:
    ideas = _arrange(tmp_path / "var")
    store = TinyDBStore(tmp_path / "var")
    barrier = threading.Barrier(RACERS)
    told: list[list[Outcome]] = [[] for _ in range(RACERS)]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            told[i] = _race(store, ideas[i], barrier.wait)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
    _check(tmp_path / "var", told)


def _process(data_dir: str, idea: str, barrier: Any, out: Any) -> None:
    store = TinyDBStore(data_dir)
    try:
        out.put(_race(store, idea, barrier.wait))
    except BaseException as exc:  # noqa: BLE001 - the parent fails the test with it
        barrier.abort()
        out.put(repr(exc))
    finally:
        store.close()


def test_processes_on_one_data_dir(tmp_path: Path) -> None:
    ideas = _arrange(tmp_path / "var")
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS)
    out = context.Queue()
    procs = [context.Process(target=_process, args=(str(tmp_path / "var"), idea, barrier, out))
             for idea in ideas]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert all(isinstance(r, list) for r in results), results
    _check(tmp_path / "var", results)
