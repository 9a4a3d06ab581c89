"""Claims on every store, with real threads: readers claiming at the same instant each get a
different code from the offer's pool, the ones past its size get ``ClaimGone``, and no code is
handed out twice or lost (every code of the pool ends with exactly one reader).

Each round is a fresh pool of five codes and six claimers released together by a barrier, so
the race between "is any left?" and the store's atomic hand-out is run many times over.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from pollserver.actions.claims import Claimed, claim
from pollserver.domain.errors import ClaimGone
from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import ClaimSpec
from pollserver.store.base import Store
from tests.conftest import make_item
from tests.instant import TEST_NOW

POOL_SIZE = 5
CLAIMERS = POOL_SIZE + 1
ROUNDS = 8


def _offer(store: Store, n: int) -> tuple[ClaimSpec, list[str]]:
    block = {"id": f"offer-{n}", "pool": f"pool-{n}",
             "closes": (TEST_NOW + timedelta(days=3)).isoformat()}
    store.sync_items([make_item("claim", **block)])
    codes = [f"R{n}-CODE-{k}" for k in range(POOL_SIZE)]
    store.add_codes(f"pool-{n}", codes)
    spec = parse_spec("claim", block)
    assert isinstance(spec, ClaimSpec)
    return spec, codes


def _race(store: Store, spec: ClaimSpec) -> list[Claimed | ClaimGone]:
    item = store.get_item("claim", spec.id)
    assert item is not None
    gate = threading.Barrier(CLAIMERS)
    told: list[Claimed | ClaimGone] = []
    lock = threading.Lock()

    def claimer(k: int) -> None:
        gate.wait()
        try:
            outcome: Claimed | ClaimGone = claim(store, item, spec, None,
                                                 lambda: f"{spec.id}-reader-{k}", at=TEST_NOW)
        except ClaimGone as gone:
            outcome = gone
        with lock:
            told.append(outcome)

    threads = [threading.Thread(target=claimer, args=(k,)) for k in range(CLAIMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return told


def test_concurrent_claimers_get_distinct_codes_and_the_last_gets_gone(store: Store) -> None:
    for n in range(ROUNDS):
        spec, codes = _offer(store, n)
        told = _race(store, spec)
        given = [t.code for t in told if isinstance(t, Claimed)]
        assert len(told) == CLAIMERS
        assert sorted(given) == sorted(codes), (n, told)  # none twice, none lost
        assert sum(isinstance(t, ClaimGone) for t in told) == 1
        # What the store holds agrees with what the readers were told.
        held = {store.code_of(spec.pool, t.voter) for t in told if isinstance(t, Claimed)}
        assert held == set(codes)
        assert store.pool_stats()[spec.pool] == (POOL_SIZE, POOL_SIZE)
        try:
            claim(store, store.get_item("claim", spec.id), spec, None,  # type: ignore[arg-type]
                  lambda: "latecomer", at=TEST_NOW)
        except ClaimGone:
            pass
        else:
            raise AssertionError("a seventh reader got a code from an empty pool")


def test_a_reader_claiming_twice_at_once_holds_one_code(store: Store) -> None:
    spec, _ = _offer(store, 99)
    item = store.get_item("claim", spec.id)
    assert item is not None
    gate = threading.Barrier(4)
    got: list[str] = []

    def same_reader() -> None:
        gate.wait()
        got.append(claim(store, item, spec, None, lambda: "one-reader", at=TEST_NOW).code)

    threads = [threading.Thread(target=same_reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(got) == 4 and len(set(got)) == 1
    assert store.pool_stats()[spec.pool] == (POOL_SIZE, 1)
