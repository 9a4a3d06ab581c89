"""``pollserver inspect``: answer questions about the data offline, with TinyDB's ``Query``.

The embedded store's snapshot is a TinyDB database, so the questions editors ask ("votes per
option of poll X", "the planned ideas of jam J") are TinyDB queries over it, opened read-only
through :class:`~pollserver.store.tinydb.snapshot.SnapshotStorage`. :func:`fresh_snapshot` first
writes a consistent snapshot of the live data dir (journal included, safe while serving), so
answers are never behind the journal; the running server's hot path is not involved.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from pollserver.store.tinydb import TinyDBStore
from pollserver.store.tinydb.snapshot import SnapshotStorage

__all__ = ["fresh_snapshot", "idea_rows", "open_snapshot", "poll_votes"]


def open_snapshot(path: Path) -> TinyDB:
    """Open a snapshot file as a read-only TinyDB database."""
    return TinyDB(path, storage=SnapshotStorage, access_mode="r")


@contextmanager
def fresh_snapshot(data_dir: Path) -> Iterator[Path]:
    """Yield a temporary snapshot of ``data_dir`` as it is now (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="inspect-") as tmp:
        dest = Path(tmp) / "store.json"
        store = TinyDBStore(data_dir)
        try:
            store.backup(dest)
        finally:
            store.close()
        yield dest


def poll_votes(db: TinyDB, poll: str) -> dict[str, int]:
    """Votes per option of ``poll`` (options nobody chose are left out), most first."""
    vote = Query()
    counts: Counter[str] = Counter()
    for row in db.table("votes").search(vote.poll == poll):
        counts.update(row["choices"])
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def idea_rows(db: TinyDB, jam: str, status: str | None = None) -> list[dict[str, Any]]:
    """Ideas of ``jam`` (with ``status``, if given) and their live votes, most votes first."""
    idea = Query()
    cond = idea.jam_id == jam
    if status is not None:
        cond &= idea.status == status
    votes = Counter(row["idea"] for row in db.table("idea_votes").search(idea.jam == jam))
    rows = [{"id": doc["id"], "status": doc["status"], "moderation": doc["moderation"],
             "votes": votes[doc["id"]], "title": doc["title"]}
            for doc in db.table("ideas").search(cond)]
    return sorted(rows, key=lambda r: (-r["votes"], r["id"]))
