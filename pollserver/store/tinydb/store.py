"""The embedded store: the memory store's state machine, made durable with a journal.

Files in ``data_dir``: ``store.json`` (the latest snapshot, a plain TinyDB file whose ``_meta``
doc names the journal generation that follows it and the last operation ``n`` it holds),
``journal-<generation>.jsonl`` (one JSON line per later operation) and ``store.lock``.

**Several processes** (gunicorn ``-w 2`` on one ``var/``) are safe because every process
keeps its own :class:`State` and touches the files only while holding an exclusive ``flock``
on ``store.lock``. Under it, a process first catches up (applies the lines others appended
since its offset, or reloads if a rotation cannot be followed), then validates, applies,
appends and fsyncs its batch. Every operation is thus checked against the complete current
state, so uniqueness (one vote per voter, jam budgets, one code per voter) holds across
processes as within one. Nothing ever opens the file with ``TinyDB(path)`` for writing (TinyDB
rewrites the whole file without locking, which its docs warn breaks with several processes);
``store.json`` is only replaced by an atomic rename under the lock, TinyDB being merely its
readable format.

**Reads** cost one ``fstat`` of the journal: if it did not grow, nothing changed (a rotation
or restore appends a marker line to the journal it retires, so that shows as growth too;
the snapshot's inode is also compared once a second, in case a process died between steps).
If it grew, the reader takes the ``flock`` to catch up, so it never reads a batch that its
writer has not fsynced yet.

**Changes** are written by group commit and survive ``kill -9`` and power loss: see
``group_commit.py``. **Rotation**, every ``snapshot_every`` operations and on close: see
``rotation.py``. A big state is snapshotted by a forked child from its copy-on-write image,
so requests never wait for it; only the rename and journal switch happen under the locks.

**The parts** (composition, not inheritance: each part holds its own attributes and uses the
others only through their public attributes and methods; the constructor below wires
them):

- ``memory``: a :class:`~pollserver.store.memory.engine.Memory`, the :class:`State` and its lock;
- ``files``: the :class:`~pollserver.store.tinydb.flock.FileLock` on ``store.lock``;
- ``writer``: the :class:`~pollserver.store.tinydb.journal.JournalWriter`, the journal we are in;
- ``follower``: the :class:`~pollserver.store.tinydb.replica.Follower`, which keeps memory equal to
  the files (load, catch up, follow a rotation);
- ``snapshots``: the :class:`~pollserver.store.tinydb.rotation.Snapshots`, when and how to rotate;
- ``commits``: the :class:`~pollserver.store.tinydb.group_commit.GroupCommit`, the engine the
  inherited :class:`~pollserver.store.memory.MemoryStore` API sends its operations to.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pollserver.store.memory import MemoryStore
from pollserver.store.memory.engine import Memory
from pollserver.store.tinydb import snapshot
from pollserver.store.tinydb.flock import FileLock
from pollserver.store.tinydb.group_commit import GroupCommit, unavailable
from pollserver.store.tinydb.journal import JournalWriter
from pollserver.store.tinydb.replica import Follower
from pollserver.store.tinydb.rotation import INLINE_ROWS, Snapshots

__all__ = ["TinyDBStore", "restore"]

restore = snapshot.restore

log = logging.getLogger(__name__)


class TinyDBStore(MemoryStore):
    """The :class:`MemoryStore` API on an engine whose every change is journaled, fsynced
    and shared with other processes via files."""

    backend = "tinydb"

    def __init__(self, data_dir: str | os.PathLike[str], *, snapshot_every: int = 5000,
                 inline_rows: int = INLINE_ROWS) -> None:
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.files = FileLock(self.data_dir)
        except OSError as exc:
            raise unavailable(exc) from exc
        self.memory = Memory()
        self.writer = JournalWriter(self.data_dir)
        self.follower = Follower(self.data_dir, self.memory, self.writer)
        self.snapshots = Snapshots(self.memory, self.writer, self.follower, self.files,
                                   every=snapshot_every, inline_rows=inline_rows)
        self.commits = GroupCommit(self.memory, self.files, self.writer, self.follower,
                                   self.snapshots)
        super().__init__(self.commits)
        try:
            with self.files.exclusive(), self.memory.lock:
                self.follower.remove_leftovers()
                self.follower.reload()
        except OSError as exc:
            raise unavailable(exc) from exc

    @property
    def journal_writes(self) -> int:
        """Journal writes so far (one fsync each), for benchmarks."""
        return self.writer.writes

    @property
    def journal_ops(self) -> int:
        """Operations those journal writes carried, for benchmarks."""
        return self.writer.ops

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """Write a consistent snapshot of the current state to ``dest`` while serving."""
        self.commits.check_process()
        dest = Path(dest)
        try:
            with self.files.exclusive(), self.memory.lock:
                self.follower.catch_up()
                snapshot.write(dest, self.memory.state, self.snapshots.meta(backup=True))
        except OSError as exc:
            raise unavailable(exc) from exc
        return dest

    @staticmethod
    def restore(src: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> None:
        """Replace the state in ``data_dir`` with the backup file ``src``."""
        snapshot.restore(src, data_dir)

    def close(self) -> None:
        """Refuse new ops, let queued ones be written, stop any snapshot child, write a final
        snapshot, release the files."""
        if not self.commits.close():
            return
        self.snapshots.kill_child()
        try:
            with self.files.exclusive(), self.memory.lock:
                self.follower.catch_up()
                self.snapshots.final()
        except OSError as exc:
            log.error("final snapshot failed (the journal still has everything): %s", exc)
        finally:
            self.writer.close()
            self.files.close()
