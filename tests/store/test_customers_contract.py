"""Verified customers: every backend keeps the mark by voter id, across a restart and a
migration, and an erase removes the erased voter's mark (and nothing else's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store.conftest import DURABLE
from tests.store.test_contract import AT


def test_mark_and_read(store):
    assert not store.is_verified("v1") and store.verified_voters() == frozenset()
    store.mark_verified("v1", "hash-1", AT)
    store.mark_verified("v2", "hash-2", AT)
    store.mark_verified("v1", "hash-3", AT + timedelta(days=1))  # again: no error
    assert store.is_verified("v1") and store.is_verified("v2") and not store.is_verified("v3")
    assert store.verified_voters() == frozenset({"v1", "v2"})


def test_erase_removes_only_the_erased_voters_mark(store):
    store.mark_verified("gone", "hash-1", AT)
    store.mark_verified("stays", "hash-2", AT)
    store.erase_voter("gone", withdraw_polls=[], withdraw_jams=[])
    assert store.verified_voters() == frozenset({"stays"})


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_marks_survive_a_restart(backend, reopen):
    store = backend.open()
    store.mark_verified("v1", "hash-1", AT)
    for n in range(30):  # past the TinyDB test snapshot interval: snapshot plus journal
        store.mark_verified(f"w{n}", "hash", AT)
    again = reopen(store)
    assert again.is_verified("v1") and len(again.verified_voters()) == 31
