"""Leader/follower group commit in the TinyDB store: a caller writes the batch, followers wait."""

from __future__ import annotations

import errno
import os
import threading
import time

import pytest

from pollserver.domain.errors import AlreadyVoted, StoreUnavailable
from pollserver.store.tinydb import TinyDBStore
from tests.store.test_tinydb import journal_lines, open_store, vote


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _queued(store: TinyDBStore, count: int) -> None:
    """Wait until ``count`` ops are queued behind the batch being written."""
    for _ in range(2000):
        if len(store.commits.pending) >= count:
            return
        time.sleep(0.005)
    raise AssertionError(f"only {len(store.commits.pending)} ops queued")


def _is_journal(store: TinyDBStore, fd: int) -> bool:
    journal = store.writer.journal
    return journal is not None and fd == journal.fd


def _voters(store: TinyDBStore, names: list[str]) -> tuple[list[threading.Thread], dict]:
    outcome: dict[str, BaseException | None] = {}

    def run(name: str) -> None:
        try:
            vote(store, name)
            outcome[name] = None
        except BaseException as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    return threads, outcome


def test_leader_disk_error_fails_its_batch_and_the_next_caller_leads(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    real_fsync, failed = os.fsync, []

    def fail_first(fd: int) -> None:
        if _is_journal(store, fd) and not failed:
            failed.append(fd)
            _queued(store, 3)  # three followers wait behind the leader's batch
            _enospc()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fail_first)
    leader, outcome = _voters(store, ["leader"])
    while not failed:
        time.sleep(0.001)
    followers, more = _voters(store, ["f1", "f2", "f3"])
    for thread in leader + followers:
        thread.join(10)
        assert not thread.is_alive()
    assert isinstance(outcome["leader"], StoreUnavailable)
    assert more == {"f1": None, "f2": None, "f3": None}  # the next batch, with a new leader
    assert store.vote_of("p", "leader") is None and store.tally("p").total == 3
    assert sorted(line["op"].get("voter") or "" for line in journal_lines(tmp_path)) == [
        "", "f1", "f2", "f3"]
    assert not store.commits.leading and not store.commits.pending


def test_rule_breaking_op_in_a_batch_fails_only_its_caller(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "dup")
    real_fsync, gated = os.fsync, []

    def gate_first(fd: int) -> None:
        if _is_journal(store, fd) and not gated:
            gated.append(fd)
            _queued(store, 3)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", gate_first)
    writes = store.journal_writes
    first, outcome = _voters(store, ["v0"])
    while not gated:
        time.sleep(0.001)
    rest, more = _voters(store, ["dup", "v1", "v2"])
    for thread in first + rest:
        thread.join(10)
    assert outcome == {"v0": None} and more["v1"] is None and more["v2"] is None
    assert isinstance(more["dup"], AlreadyVoted)
    assert store.journal_writes - writes == 2  # v0, then v1 + v2 in one batch; dup not written
    assert [line["op"].get("voter") for line in journal_lines(tmp_path)].count("dup") == 1
    assert TinyDBStore(tmp_path).tally("p").total == 4


class _Boom(BaseException):
    pass


def test_leader_dying_mid_batch_fails_its_batch_and_passes_the_lead(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    real_write_batch, blew = store.commits.write_batch, []

    def boom_once(batch):
        if not blew:
            blew.append(1)
            _queued(store, 2)
            raise _Boom
        return real_write_batch(batch)

    monkeypatch.setattr(store.commits, "write_batch", boom_once)
    leader, outcome = _voters(store, ["leader"])
    while not blew:
        time.sleep(0.001)
    followers, more = _voters(store, ["f1", "f2"])
    for thread in leader + followers:
        thread.join(10)
        assert not thread.is_alive()
    assert isinstance(outcome["leader"], _Boom)
    assert more == {"f1": None, "f2": None}
    assert store.tally("p").total == 2 and store.vote_of("p", "leader") is None
    vote(store, "leader")
    assert TinyDBStore(tmp_path).tally("p").total == 3


def test_close_lets_queued_ops_finish_then_refuses(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    real_fsync, release = os.fsync, threading.Event()

    def held(fd: int) -> None:
        if _is_journal(store, fd) and not release.is_set():
            release.wait(10)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", held)
    threads, outcome = _voters(store, ["v0"])
    while not store.commits.leading:
        time.sleep(0.001)
    more_threads, more = _voters(store, ["v1", "v2", "v3"])
    _queued(store, 3)
    closer = threading.Thread(target=store.close)
    closer.start()
    while not store.commits.closed:
        time.sleep(0.001)
    with pytest.raises(StoreUnavailable):
        vote(store, "late")
    assert closer.is_alive()  # waits for the batches queued before it
    release.set()
    for thread in [*threads, *more_threads, closer]:
        thread.join(10)
        assert not thread.is_alive()
    assert outcome == {"v0": None} and more == {"v1": None, "v2": None, "v3": None}
    assert TinyDBStore(tmp_path).tally("p").total == 4
