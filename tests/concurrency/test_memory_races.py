"""The memory store's one lock (``memory/engine.py``) is what keeps budgets, one code and one
answer per voter when threads race on one store: with it taken out this test fails.

The interpreter is made to switch threads as often as it can (``sys.setswitchinterval``), so
a check and its write in the state machine are torn apart many times over the rounds.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from pollserver.domain.errors import AlreadyVoted, NoVotesLeft
from pollserver.store.memory import MemoryStore
from tests.conftest import make_item
from tests.instant import TEST_NOW

pytestmark = pytest.mark.slow

RACERS = 8
ROUNDS = 300


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _race(jobs: list[Callable[[], bool]]) -> int:
    barrier = threading.Barrier(len(jobs))
    told = []

    def run(job: Callable[[], bool]) -> None:
        barrier.wait()
        told.append(job())

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(told)


def test_threads_racing_one_voter_on_the_memory_store(fast_switching: None) -> None:
    store = MemoryStore()
    store.sync_items([make_item("jam", id="j", title="Race", votes_per_person=1),
                      make_item("survey", id="s")])
    ideas = [store.add_idea("j", title=f"Idea {n}", body="", author=None, voter_id=None,
                            moderation="published", at=TEST_NOW).id for n in range(RACERS)]
    store.add_codes("pool", [f"C{n}" for n in range(ROUNDS * RACERS)])
    for n in range(ROUNDS):
        voter = f"v{n}"

        def vote(idea: str, voter: str = voter) -> bool:
            try:
                store.vote_idea("j", idea, voter, budget=1, at=TEST_NOW)
            except (AlreadyVoted, NoVotesLeft):
                return False
            return True

        def answer(voter: str = voter) -> bool:
            try:
                store.add_response("s", voter_id=voter, score=9, category="promoter",
                                   comment="", consent_to_quote=False, at=TEST_NOW)
            except AlreadyVoted:
                return False
            return True

        assert _race([lambda i=i: vote(i) for i in ideas]) == 1, n
        assert _race([answer] * RACERS) == 1, n
        codes = set()
        for _ in range(2):
            _race([lambda v=voter, got=codes: got.add(store.claim_code("pool", v, at=TEST_NOW))
                   or True] * (RACERS // 2))
        assert len(codes) == 1, n
    assert sum(i.votes for i in store.list_ideas("j")) == ROUNDS
    assert store.pool_stats()["pool"] == (ROUNDS * RACERS, ROUNDS)
