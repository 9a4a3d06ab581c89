"""The shares noun on every store: one token per voter, one credit per newcomer, the day's
reward cap, erasure, snapshots; and two first writes at once credit once (real threads)."""

from __future__ import annotations

import threading
from datetime import timedelta

from pollserver.store.base import Store
from tests.instant import TEST_NOW


def test_a_voter_keeps_one_token_and_its_client_moves(store: Store) -> None:
    assert store.share_token("v1", token="A" * 16, client="c1") == "A" * 16
    assert store.share_token("v1", token="B" * 16, client="c2") == "A" * 16
    assert store.sharer_of("A" * 16) == ("v1", "c2")
    assert store.sharer_of("B" * 16) is None


def test_a_newcomer_is_credited_once_and_the_cap_counts_per_day(store: Store) -> None:
    store.share_token("s", token="S" * 16, client="cs")
    first = store.credit_share("s", "n1", at=TEST_NOW, reward_cap=2)
    assert first is not None and first.rewarded
    assert store.credit_share("s", "n1", at=TEST_NOW, reward_cap=2) is None
    assert store.credit_share("other", "n1", at=TEST_NOW, reward_cap=2) is None
    second = store.credit_share("s", "n2", at=TEST_NOW, reward_cap=2)
    third = store.credit_share("s", "n3", at=TEST_NOW, reward_cap=2)
    assert second is not None and second.rewarded
    assert third is not None and not third.rewarded  # over the day's cap: credited, no code
    tomorrow = store.credit_share("s", "n4", at=TEST_NOW + timedelta(days=1), reward_cap=2)
    assert tomorrow is not None and tomorrow.rewarded
    assert store.friends_brought("s") == 4
    assert store.friends_brought("n1") == 0


def test_erasing_removes_the_token_and_the_credits(store: Store) -> None:
    store.share_token("s", token="S" * 16, client="cs")
    store.credit_share("s", "n1", at=TEST_NOW, reward_cap=0)
    store.credit_share("x", "s", at=TEST_NOW, reward_cap=0)
    assert store.erase_shares("s") == 3
    assert store.sharer_of("S" * 16) is None
    assert store.friends_brought("s") == 0 and store.friends_brought("x") == 0


def test_two_first_writes_at_once_credit_once(store: Store) -> None:
    gate = threading.Barrier(6)
    told = []

    def credit(k: int) -> None:
        gate.wait()
        told.append(store.credit_share(f"s{k}", "newcomer", at=TEST_NOW, reward_cap=1))

    threads = [threading.Thread(target=credit, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(c is not None for c in told) == 1
    assert sum(store.friends_brought(f"s{k}") for k in range(6)) == 1


def test_the_cap_holds_under_parallel_credits(store: Store) -> None:
    gate = threading.Barrier(6)

    def credit(k: int) -> None:
        gate.wait()
        store.credit_share("s", f"n{k}", at=TEST_NOW, reward_cap=2)

    threads = [threading.Thread(target=credit, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert store.friends_brought("s") == 6
    rewarded = [store.credit_share("s", f"n{k}", at=TEST_NOW, reward_cap=2) for k in range(6)]
    assert rewarded == [None] * 6
    # A seventh on the same day is credited without a code: the cap of two was used up.
    seventh = store.credit_share("s", "n7", at=TEST_NOW, reward_cap=2)
    assert seventh is not None and not seventh.rewarded


def test_asking_again_from_the_same_client_keeps_the_token(store: Store) -> None:
    assert store.share_token("v1", token="A" * 16, client="c1") == "A" * 16
    assert store.share_token("v1", token="B" * 16, client="c1") == "A" * 16
    assert store.sharer_of("A" * 16) == ("v1", "c1")
