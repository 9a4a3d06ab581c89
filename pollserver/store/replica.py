"""How one process of the TinyDB store keeps its in-memory state equal to the files.

Load (snapshot plus its journal), catch up (apply what other processes appended), follow a
rotation through the old journal's descriptor, or reload when it cannot be followed. Every
method here runs under the ``flock`` and the state lock, except :meth:`Replica._behind`, the
lock-free "did anything change?" check that reads do first.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pollserver.domain.errors import DomainError
from pollserver.store import snapshot
from pollserver.store.journal import Journal, generations, journal_path
from pollserver.store.state import State

__all__ = ["SNAPSHOT_CHECK", "Replica"]

log = logging.getLogger(__name__)

#: Seconds between checks of the snapshot's inode when the journal did not grow.
SNAPSHOT_CHECK = 1.0


class Replica:
    """Mixin for :class:`~pollserver.store.tinydb.TinyDBStore`: its files-to-memory side."""

    data_dir: Path
    snapshot_path: Path
    state: State
    _journal: Journal | None
    _gen: int
    _n: int
    _offset: int
    _snap_n: int
    _snap_id: snapshot.FileId | None
    _snap_check_at: float
    _stale: bool

    def _remove_leftovers(self) -> None:
        """Delete temp files of dead snapshot writers and journals not in the current chain."""
        snapshot.remove_temps(self.data_dir)
        current = 0
        if self.snapshot_path.exists():
            current = int(snapshot.read_meta(self.snapshot_path).get("generation", 0))
        for gen in generations(self.data_dir):
            if gen != current:  # older: covered by the snapshot; newer: a rotation that crashed
                journal_path(self.data_dir, gen).unlink()

    def _reload(self) -> None:
        """Rebuild the state from the snapshot plus its journal."""
        self._stale = True
        self.state = State()  # drop the old copy first: a reload must not need twice the RAM
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._snap_id = snapshot.file_id(self.snapshot_path)
        meta: dict[str, Any] = {}
        if self._snap_id is not None:
            self.state, meta = snapshot.load(self.snapshot_path)
        self._gen = int(meta.get("generation", 0))
        self._n = self._snap_n = int(meta.get("n", 0))
        self._offset = 0
        self._journal = Journal(journal_path(self.data_dir, self._gen))
        self._read_tail()
        self._stale = False

    def _read_tail(self) -> None:
        """Apply the complete journal lines after our offset."""
        assert self._journal is not None
        if self._journal.size() < self._offset:  # cut back under us: start over from disk
            self._reload()
            return
        for end, n, op in self._journal.read_from(self._offset):
            self._offset = end
            if op is None or n <= self._n:
                continue
            try:
                self.state.apply(op)
            except DomainError as exc:  # only valid ops are journaled; never fatal anyway
                log.warning("journal op %d no longer applies: %s", n, exc)
            self._n = n

    def _catch_up(self) -> None:
        """Bring the state up to what the files hold, following a rotation if there was one."""
        if self._stale or self._journal is None:
            self._reload()
        snap_id = snapshot.file_id(self.snapshot_path)
        if snap_id != self._snap_id:
            meta = snapshot.read_meta(self.snapshot_path) if snap_id else {}
            if int(meta.get("generation", 0)) != self._gen:
                self._read_tail()  # the rest of our generation, via the descriptor we hold
                if meta.get("base") == self._gen and int(meta.get("n", -1)) <= self._n:
                    self._switch(int(meta["generation"]))
                else:
                    self._reload()
                    return
            self._snap_id, self._snap_n = snap_id, int(meta.get("n", 0))
        self._read_tail()
        assert self._journal is not None
        if self._journal.size() > self._offset:
            # Bytes after the last newline are a torn append of a crashed process (nobody
            # else is writing: we hold the lock). Cut them so our append starts a clean line.
            log.warning("%s: dropping a torn tail of %d bytes", self._journal.path,
                        self._journal.size() - self._offset)
            self._journal.truncate(self._offset)

    def _switch(self, generation: int, journal: Journal | None = None, offset: int = 0) -> None:
        """Continue in the journal of ``generation`` at ``offset`` (lines we have are skipped)."""
        new = journal or Journal(journal_path(self.data_dir, generation))
        if self._journal is not None:
            self._journal.close()
        self._journal, self._gen, self._offset = new, generation, offset

    def _behind(self) -> bool:
        """Cheaply tell whether the files changed since we last looked (usually one fstat)."""
        journal = self._journal
        if self._stale or journal is None:
            return True
        try:
            if journal.size() != self._offset:
                return True
            now = time.monotonic()
            if now < self._snap_check_at:
                return False
            self._snap_check_at = now + SNAPSHOT_CHECK
            return snapshot.file_id(self.snapshot_path) != self._snap_id
        except OSError:
            return True
