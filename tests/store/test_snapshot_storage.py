"""The snapshot file through TinyDB's Storage: streamed reads, atomic writes, real queries."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tinydb import Query, TinyDB

from pollserver.domain.records import Item
from pollserver.store.tinydb import TinyDBStore, snapshot
from pollserver.store.tinydb.snapshot import SnapshotStorage

AT = datetime(2025, 3, 1, tzinfo=UTC)
POLL = Item(kind="poll", id="p", spec={"question": "Q?"}, source="content/x.md:1", url="/x")


def _snapshot_of_votes(tmp_path: Path, choices: list[str]) -> Path:
    store = TinyDBStore(tmp_path / "var")
    store.sync_items([POLL])
    for n, choice in enumerate(choices):
        store.record_vote("p", f"v{n}", [choice], replace=False, at=AT)
    dest = tmp_path / "backup.json"
    store.backup(dest)
    store.close()
    return dest


def test_tinydb_queries_the_snapshot_through_the_storage(tmp_path):
    path = _snapshot_of_votes(tmp_path, ["a", "b", "a"])
    db = TinyDB(path, storage=SnapshotStorage, access_mode="r")
    vote = Query()
    assert sorted(r["voter"] for r in db.table("votes").search(vote.choices.any(["a"]))) == [
        "v0", "v2"]
    assert len(db.table("votes")) == 3
    assert db.table("votes").get(doc_id=2)["choices"] == ["b"]
    assert "_meta" in db.tables() and db.table("_meta").get(doc_id=1)["n"] >= 4
    with pytest.raises(PermissionError):
        db.table("votes").insert({"poll": "p", "voter": "x", "choices": ["a"]})
    assert len(db.table("votes")) == 3


def test_a_tinydb_write_through_the_storage_is_atomic_and_keeps_doc_ids(tmp_path, monkeypatch):
    path = _snapshot_of_votes(tmp_path, ["a", "b"])
    synced: list[str] = []
    real_fsync_dir = snapshot.fsync_dir
    monkeypatch.setattr(snapshot, "fsync_dir", lambda d: (synced.append(str(d)),
                                                          real_fsync_dir(d)))
    db = TinyDB(path, storage=SnapshotStorage)
    db.table("votes").remove(doc_ids=[1])
    assert synced == [str(path.parent)]  # temp, fsync, rename, then the directory
    assert not list(path.parent.glob(".backup.json.*.tmp"))
    assert [d.doc_id for d in db.table("votes").all()] == [2]
    # still our streamed layout, and still a file the store restores from
    assert snapshot.read_meta(path)["n"] >= 3
    state, _ = snapshot.load(path)
    assert {voter: list(c) for voter, c in state.votes["p"].items()} == {"v1": ["b"]}


def test_the_store_loads_what_plain_tinydb_wrote(tmp_path):
    """A file in TinyDB's own layout (one JSON line) reads through the same storage."""
    path = _snapshot_of_votes(tmp_path, ["a", "b", "b"])
    tables = {name: dict(rows.items()) for name, rows in SnapshotStorage(path).read().items()}
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(tables))
    state, meta = snapshot.load(plain)
    assert meta["n"] == snapshot.read_meta(path)["n"]
    reopened = TinyDBStore(tmp_path / "restored")
    reopened.close()
    TinyDBStore.restore(plain, tmp_path / "restored")
    again = TinyDBStore(tmp_path / "restored")
    assert again.tally("p").counts == {"a": 1, "b": 2}
    again.close()


def test_a_crash_before_the_rename_leaves_the_old_snapshot(tmp_path, monkeypatch):
    path = _snapshot_of_votes(tmp_path, ["a"])
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    db = TinyDB(path, storage=SnapshotStorage)
    with pytest.raises(OSError, match="power cut"):
        db.table("votes").truncate()
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".backup.json.*.tmp"))
