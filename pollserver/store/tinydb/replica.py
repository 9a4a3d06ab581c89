"""How one process of the TinyDB store keeps its in-memory state equal to the files.

Load (snapshot plus its journal), catch up (apply what other processes appended), follow a
rotation through the old journal's descriptor, or reload when it cannot be followed. Every
method here runs under the ``flock`` and the state lock, except :meth:`Follower.behind`, the
lock-free "did anything change?" check that reads do first.

The follower owns what it knows about the snapshot file (which one it has seen, which
operation it covers, whether memory must be rebuilt); it moves the state only through the
:class:`~pollserver.store.memory.engine.Memory` it is given and the journal position only through
the :class:`~pollserver.store.tinydb.journal.JournalWriter` it is given.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pollserver.domain.errors import DomainError
from pollserver.store.memory.engine import Memory
from pollserver.store.tinydb import snapshot
from pollserver.store.tinydb.journal import JournalWriter, generations, journal_path

__all__ = ["SNAPSHOT_CHECK", "Follower"]

log = logging.getLogger(__name__)

#: Seconds between checks of the snapshot's inode when the journal did not grow.
SNAPSHOT_CHECK = 1.0


class Follower:
    """Keeps one process's :class:`Memory` equal to the snapshot plus the journal."""

    def __init__(self, data_dir: Path, memory: Memory, writer: JournalWriter) -> None:
        self.data_dir = data_dir
        self.snapshot_path = data_dir / snapshot.FILENAME
        #: The same as a str: ``os.stat`` of a ``Path`` converts it first, which costs more
        #: than the stat itself (the check runs once per batch; docs/benchmarks.md).
        self._snapshot_str = str(self.snapshot_path)
        self.memory = memory
        self.writer = writer
        #: The snapshot file we have seen, and the last operation it holds.
        self.snap_id: snapshot.FileId | None = None
        self.snap_n = 0
        #: True while memory may not equal the files (a reload is due before any use).
        self.stale = True
        self._snap_check_at = 0.0

    def remove_leftovers(self) -> None:
        """Delete temp files of dead snapshot writers and journals not in the current chain."""
        snapshot.remove_temps(self.data_dir)
        current = 0
        if self.snapshot_path.exists():
            current = int(snapshot.read_meta(self.snapshot_path).get("generation", 0))
        for gen in generations(self.data_dir):
            if gen != current:  # older: covered by the snapshot; newer: a rotation that crashed
                journal_path(self.data_dir, gen).unlink()

    def reload(self) -> None:
        """Rebuild the state from the snapshot plus its journal."""
        self.stale = True
        self.memory.reset()  # drop the old copy first: a reload must not need twice the RAM
        self.writer.close()
        self.snap_id = snapshot.file_id(self._snapshot_str)
        meta: dict[str, Any] = {}
        if self.snap_id is not None:
            state, meta = snapshot.load(self.snapshot_path)
            self.memory.reset(state)
        self.snap_n = int(meta.get("n", 0))
        self.writer.open(int(meta.get("generation", 0)), self.snap_n)
        self.read_tail()
        self.stale = False

    def read_tail(self) -> int | None:
        """Apply the complete journal lines after our offset; return the journal's size as
        read (one ``fstat`` serves the whole step), or None after a reload."""
        size = self.writer.current().size()
        if size < self.writer.offset:  # cut back under us: start over from disk
            self.reload()
            return None
        if size == self.writer.offset:
            return size
        state = self.memory.state
        for n, op in self.writer.read_new(size):
            try:
                state.apply(op)
            except DomainError as exc:  # only valid ops are journaled; never fatal anyway
                log.warning("journal op %d no longer applies: %s", n, exc)
        return size

    def catch_up(self) -> None:
        """Bring the state up to what the files hold, following a rotation if there was one."""
        if self.stale or self.writer.journal is None:
            self.reload()
        snap_id = snapshot.file_id(self._snapshot_str)
        if snap_id != self.snap_id:
            meta = snapshot.read_meta(self.snapshot_path) if snap_id else {}
            if int(meta.get("generation", 0)) != self.writer.gen:
                self.read_tail()  # the rest of our generation, via the descriptor we hold
                if meta.get("base") == self.writer.gen and int(meta.get("n", -1)) <= self.writer.n:
                    self.writer.switch(int(meta["generation"]))
                else:
                    self.reload()
                    return
            self.snap_id, self.snap_n = snap_id, int(meta.get("n", 0))
        size = self.read_tail()
        # Under the flock nobody else appends, so the size just read still holds.
        torn = self.writer.unread() if size is None else size - self.writer.offset
        if torn > 0:
            # Bytes after the last newline are a torn append of a crashed process (nobody
            # else is writing: we hold the lock). Cut them so our append starts a clean line.
            log.warning("%s: dropping a torn tail of %d bytes", self.writer.current().path, torn)
            self.writer.truncate(self.writer.offset)

    def adopt(self, n: int) -> None:
        """Take the snapshot file now in place (our own rotation wrote it) as covering ``n``."""
        self.snap_id, self.snap_n = snapshot.file_id(self._snapshot_str), n

    def behind(self) -> bool:
        """Cheaply tell whether the files changed since we last looked (usually one fstat)."""
        journal = self.writer.journal
        if self.stale or journal is None:
            return True
        try:
            if journal.size() != self.writer.offset:
                return True
            now = time.monotonic()
            if now < self._snap_check_at:
                return False
            self._snap_check_at = now + SNAPSHOT_CHECK
            return snapshot.file_id(self._snapshot_str) != self.snap_id
        except OSError:
            return True
