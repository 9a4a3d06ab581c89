"""TinyDB store internals: journal replay, torn tails, rotation, processes, disk errors, backup."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tinydb

from pollserver.domain.errors import AlreadyVoted, StoreUnavailable
from pollserver.domain.records import Item, Tally
from pollserver.store.tinydb import TinyDBStore, restore, snapshot
from pollserver.store.tinydb.rotation import INLINE_ROWS

AT = datetime(2025, 3, 1, tzinfo=UTC)
POLL = Item(kind="poll", id="p", spec={"question": "Q?"}, source="content/x.md:1", url="/x")


def open_store(data_dir: Path, **kwargs) -> TinyDBStore:
    store = TinyDBStore(data_dir, **kwargs)
    store.sync_items([POLL])
    return store


def vote(store: TinyDBStore, voter: str, choice: str = "a") -> None:
    store.record_vote("p", voter, [choice], replace=False, at=AT)


def journal_lines(data_dir: Path) -> list[dict]:
    [journal] = data_dir.glob("journal-*.jsonl")
    return [json.loads(line) for line in journal.read_bytes().splitlines()]


def test_journal_replays_without_close(tmp_path):
    store = open_store(tmp_path, snapshot_every=1000)
    for n in range(20):
        vote(store, f"v{n}", "ab"[n % 2])
    with pytest.raises(AlreadyVoted):  # a refused op is not journaled
        vote(store, "v0")
    lines = journal_lines(tmp_path)
    assert [line["n"] for line in lines] == list(range(1, 22))
    assert lines[1]["op"]["op"] == "vote" and lines[1]["op"]["voter"] == "v0"
    assert not (tmp_path / "store.json").exists()

    # As after kill -9: the first store never closed, the second replays its journal.
    again = TinyDBStore(tmp_path)
    assert again.tally("p") == Tally(total=20, counts={"a": 10, "b": 10})
    again.close()


@pytest.mark.parametrize("tail", [b'{"n": 99, "op": {"op": "vo', b"garbage", b'{"n": 1'])
def test_torn_last_line_is_ignored_then_truncated(tmp_path, tail):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "v1")
    [journal] = tmp_path.glob("journal-*.jsonl")
    with open(journal, "ab") as fh:
        fh.write(tail)  # a crash in the middle of an append

    again = TinyDBStore(tmp_path)
    assert again.tally("p").total == 1
    vote(again, "v2")
    assert [line["op"]["voter"] for line in journal_lines(tmp_path)[1:]] == ["v1", "v2"]
    again.close()
    assert TinyDBStore(tmp_path).tally("p").total == 2


def test_unreadable_complete_line_is_skipped_not_fatal(tmp_path):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "v1")
    [journal] = tmp_path.glob("journal-*.jsonl")
    with open(journal, "ab") as fh:
        fh.write(b"\x00\x00 not json\n")
    vote(store, "v2")  # written after the damaged line
    assert TinyDBStore(tmp_path).tally("p").total == 2


def test_snapshots_rotate_the_journal_and_keep_everything(tmp_path):
    store = open_store(tmp_path, snapshot_every=10)
    for n in range(35):
        vote(store, f"v{n}")
    journals = sorted(p.name for p in tmp_path.glob("journal-*.jsonl"))
    meta = snapshot.read_meta(tmp_path / "store.json")
    assert journals == [f"journal-{meta['generation']}.jsonl"]  # older ones are gone
    assert meta["generation"] >= 3 and meta["base"] == meta["generation"] - 1
    assert len(journal_lines(tmp_path)) == 36 - meta["n"] < 10
    assert TinyDBStore(tmp_path).tally("p").total == 35

    store.close()  # the final snapshot covers everything and starts an empty journal
    assert journal_lines(tmp_path) == []
    assert snapshot.read_meta(tmp_path / "store.json")["n"] == 36
    assert TinyDBStore(tmp_path).tally("p").total == 35


def test_crash_between_snapshot_and_journal_delete_recovers(tmp_path):
    store = open_store(tmp_path, snapshot_every=1000)
    for n in range(5):
        vote(store, f"v{n}")
    old = next(tmp_path.glob("journal-*.jsonl"))
    kept = old.read_bytes()
    store.close()
    old.write_bytes(kept)  # as if the process died before deleting the covered journal
    store = TinyDBStore(tmp_path)
    assert store.tally("p").total == 5
    assert not old.exists()  # start-up removed it; its ops were not applied twice


def test_snapshot_is_a_plain_tinydb_file(tmp_path):
    store = open_store(tmp_path)
    vote(store, "v1", "a")
    vote(store, "v2", "b")
    store.close()
    db = tinydb.TinyDB(tmp_path / "store.json", access_mode="r")
    try:
        assert {"_meta", "items", "votes"} <= db.tables()
        rows = db.table("votes").search(tinydb.Query().poll == "p")
        assert sorted((r["voter"], r["choices"]) for r in rows) == [("v1", ["a"]), ("v2", ["b"])]
        assert db.table("items").get(doc_id=1)["id"] == "p"
    finally:
        db.close()


def test_group_commit_shares_one_fsync(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    real_fsync = os.fsync
    first = threading.Event()

    def gated_fsync(fd: int) -> None:
        # Hold the first batch's fsync until the other seven votes are queued behind it.
        if not first.is_set():
            first.set()
            for _ in range(1000):
                if len(store.commits.pending) >= 7:
                    break
                time.sleep(0.005)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", gated_fsync)
    writes = store.journal_writes
    threads = [threading.Thread(target=vote, args=(store, f"v{n}")) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.tally("p").total == 8
    assert store.journal_writes - writes == 2  # 8 acknowledged votes, 2 fsyncs


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_on_fsync_is_503_and_recovers(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "acked")
    size = next(tmp_path.glob("journal-*.jsonl")).stat().st_size

    monkeypatch.setattr(os, "fsync", _enospc)
    for voter in ("lost1", "lost2"):
        with pytest.raises(StoreUnavailable):
            vote(store, voter)
    assert store.tally("p").total == 1  # memory never shows what the disk does not hold
    assert store.vote_of("p", "lost1") is None
    assert next(tmp_path.glob("journal-*.jsonl")).stat().st_size == size

    monkeypatch.undo()  # space is back
    vote(store, "lost1")
    assert store.tally("p").total == 2
    store.close()
    again = TinyDBStore(tmp_path)
    assert {v: again.vote_of("p", v) for v in ("acked", "lost1", "lost2")} == {
        "acked": ("a",), "lost1": ("a",), "lost2": None}


def test_partial_write_is_cut_back(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "acked")
    journal_fd = store.writer.journal.fd
    real_write = os.write

    def half_then_full(fd: int, data) -> int:
        if fd != journal_fd:
            return real_write(fd, data)
        if not getattr(half_then_full, "wrote", False):
            half_then_full.wrote = True
            return real_write(fd, bytes(data[: len(data) // 2]))
        return _enospc()

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(StoreUnavailable):
        vote(store, "torn")
    monkeypatch.undo()
    assert [line["op"].get("voter") for line in journal_lines(tmp_path)] == [None, "acked"]
    vote(store, "after")
    assert TinyDBStore(tmp_path).tally("p").total == 2


def test_failed_snapshot_keeps_serving_and_retries(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=5)
    monkeypatch.setattr(snapshot, "write", _enospc)
    for n in range(8):
        vote(store, f"v{n}")  # acknowledged: the journal has them even without snapshots
    assert not (tmp_path / "store.json").exists()
    monkeypatch.undo()
    for n in range(8, 16):
        vote(store, f"v{n}")
    assert (tmp_path / "store.json").exists()
    assert TinyDBStore(tmp_path).tally("p").total == 16


def test_read_only_data_dir_serves_reads_and_refuses_writes(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    vote(store, "v1")
    store.close()
    real_open = os.open

    def read_only(path, flags, *args):
        wants_write = flags & (os.O_WRONLY | os.O_RDWR) or (
            flags & os.O_CREAT and not os.path.exists(path))
        if wants_write and str(path).startswith(str(tmp_path)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    store = TinyDBStore(tmp_path)
    assert store.tally("p").total == 1
    with pytest.raises(StoreUnavailable):
        vote(store, "v2")
    assert store.tally("p").total == 1 and store.vote_of("p", "v2") is None
    store.close()
    monkeypatch.undo()
    store = TinyDBStore(tmp_path)
    vote(store, "v2")
    assert store.tally("p").total == 2


def test_backup_while_serving_and_restore(tmp_path):
    store = open_store(tmp_path / "var", snapshot_every=7)
    for n in range(20):
        vote(store, f"v{n}")
    other = TinyDBStore(tmp_path / "var")  # a second worker on the same dir
    backup = store.backup(tmp_path / "backup.json")
    for n in range(20, 25):
        vote(store, f"v{n}")
    assert other.tally("p").total == 25

    restore(backup, tmp_path / "fresh")
    assert TinyDBStore(tmp_path / "fresh").tally("p").total == 20
    TinyDBStore.restore(backup, tmp_path / "var")  # under running stores: they reload
    assert other.tally("p").total == 20 and store.tally("p").total == 20
    vote(other, "v20")
    assert store.vote_of("p", "v20") == ("a",)
    with pytest.raises(ValueError):
        restore(tmp_path / "var" / "store.lock", tmp_path / "bad")


# -- the hot path: fsync outside the state lock, snapshots in a forked child -----------------


def test_reads_go_on_while_the_writer_waits_for_fsync(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=1000)
    vote(store, "v0")
    real_fsync, entered, release = os.fsync, threading.Event(), threading.Event()

    def slow_fsync(fd: int) -> None:
        if fd == store.writer.journal.fd and not release.is_set():
            entered.set()
            release.wait(10)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    voter = threading.Thread(target=vote, args=(store, "v1"))
    voter.start()
    assert entered.wait(10)
    seen: list[object] = []
    reader = threading.Thread(target=lambda: seen.extend(
        [store.vote_of("p", "v0"), store.tally("p").total]))
    reader.start()
    reader.join(10)
    # The reads finished while the fsync is still held (it is only released below), and v1's
    # vote is not acknowledged yet.
    assert not reader.is_alive() and seen[0] == ("a",)
    assert voter.is_alive()
    release.set()
    voter.join(10)
    assert store.tally("p").total == 2
    assert TinyDBStore(tmp_path).tally("p").total == 2


def _wait_for_snapshot(data_dir: Path, covering: int) -> dict:
    """Wait until a snapshot holding op `covering` is in place and the journal it replaces is
    retired (the rotation the store documents), and return its meta; never look at the
    store's internals."""
    deadline = time.monotonic() + 30
    path = data_dir / "store.json"
    while time.monotonic() < deadline:
        if path.exists() and (meta := snapshot.read_meta(path))["n"] >= covering:
            journals = {p.name for p in data_dir.glob("journal-*.jsonl")}
            if journals == {f"journal-{meta['generation']}.jsonl"}:  # the old one retired
                return meta
        time.sleep(0.05)
    raise AssertionError(f"no snapshot covering op {covering} within 30 s")


def _wait_for_failure(caplog) -> None:
    """Wait until the store reports its failed background snapshot (what an operator sees)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any("background snapshot failed" in r.getMessage() for r in caplog.records):
            return
        time.sleep(0.05)
    raise AssertionError("the failed snapshot was never reported")


def test_forked_snapshot_keeps_votes_made_while_it_was_written(tmp_path, monkeypatch):
    store = open_store(tmp_path, snapshot_every=10)
    store.snapshots.inline_rows = 0  # fork even for this tiny state
    other = TinyDBStore(tmp_path)  # a second worker that must follow the rotation
    real_write_temp = snapshot.write_temp

    def slow_write_temp(*args, **kwargs):  # runs in the child
        time.sleep(0.3)
        real_write_temp(*args, **kwargs)

    monkeypatch.setattr(snapshot, "write_temp", slow_write_temp)
    for n in range(10):
        vote(store, f"v{n}")
    assert store.snapshots.child is not None
    for n in range(10, 15):  # while the child writes: these land in the old journal
        vote(store, f"v{n}")
    assert other.tally("p").total == 15
    meta = _wait_for_snapshot(tmp_path, covering=10)
    assert meta["generation"] == 1 and meta["base"] == 0 and meta["n"] == 10  # sync + 9
    assert [line["op"]["voter"] for line in journal_lines(tmp_path)] == [
        f"v{n}" for n in range(9, 15)]  # copied over to the new generation
    assert not list(tmp_path.glob(".store.json.*.tmp"))
    vote(store, "v15")
    assert other.tally("p").total == 16 and other.vote_of("p", "v15") == ("a",)
    vote(other, "v16")
    assert store.tally("p").total == 17
    assert TinyDBStore(tmp_path).tally("p").total == 17
    store.close()
    other.close()
    assert TinyDBStore(tmp_path).tally("p").total == 17


def test_failed_forked_snapshot_keeps_serving_and_retries(tmp_path, monkeypatch, caplog):
    store = open_store(tmp_path, snapshot_every=5)
    store.snapshots.inline_rows = 0
    monkeypatch.setattr(snapshot, "write_temp", _enospc)  # the child inherits the fault
    for n in range(6):
        vote(store, f"v{n}")
    _wait_for_failure(caplog)
    assert not (tmp_path / "store.json").exists()
    monkeypatch.undo()
    for n in range(6, 16):
        vote(store, f"v{n}")
    assert _wait_for_snapshot(tmp_path, covering=11)["n"] >= 11
    assert TinyDBStore(tmp_path).tally("p").total == 16


def test_crash_inside_a_rotation_before_the_rename_recovers(tmp_path):
    store = open_store(tmp_path, snapshot_every=1000)
    for n in range(5):
        vote(store, f"v{n}")
    # As if a rotation died after steps 1 and 2: the next journal exists, the old one has a
    # marker, a temp snapshot was left behind, and store.json was never replaced.
    (tmp_path / "journal-1.jsonl").write_bytes(b'{"n": 4, "op": {"op": "bogus"}}\n')
    with open(tmp_path / "journal-0.jsonl", "ab") as fh:
        fh.write(b'{"n": -1, "next": 1}\n')
    (tmp_path / ".store.json.999999999.tmp").write_text("{")
    assert store.tally("p").total == 5
    vote(store, "v5")
    again = TinyDBStore(tmp_path)
    assert again.tally("p").total == 6
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == ["journal-0.jsonl"]
    assert not list(tmp_path.glob(".store.json.*.tmp"))


# -- several processes ----------------------------------------------------------------------


def _worker(data_dir: str, name: str, count: int, barrier, results, inline_rows: int) -> None:
    store = TinyDBStore(data_dir, snapshot_every=40)
    store.snapshots.inline_rows = inline_rows
    barrier.wait()
    won = 0
    for n in range(count):
        store.record_vote("p", f"{name}-{n}", ["a"], replace=False, at=AT)
        try:  # both processes race for the same shared voters: one wins each
            store.record_vote("p", f"shared-{n}", [name], replace=False, at=AT)
            won += 1
        except AlreadyVoted:
            pass
    barrier.wait()  # both are done: each must now see the other's votes
    results.put((name, won, store.tally("p").total))
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("inline_rows", [INLINE_ROWS, 0],
                         ids=["inline-snapshots", "forked-snapshots"])
def test_two_processes_share_one_data_dir(tmp_path, inline_rows):
    open_store(tmp_path).close()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker,
                         args=(str(tmp_path), name, 150, barrier, results, inline_rows))
             for name in ("x", "y")]
    for proc in procs:
        proc.start()
    outcome = sorted(results.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    (_, won_x, seen_x), (_, won_y, seen_y) = outcome
    assert won_x + won_y == 150  # uniqueness held across processes
    assert seen_x == seen_y == 450
    store = TinyDBStore(tmp_path)
    tally = store.tally("p")
    assert tally.total == 450 and tally.counts["a"] == 300
    assert tally.counts.get("x", 0) + tally.counts.get("y", 0) == 150
