"""Journal rotation for the TinyDB store, and snapshots written by a forked child.

A rotation retires journal generation ``g`` for ``g+1`` once a snapshot covers operation
``n``, which ends at byte ``start`` of journal ``g``. Under the store's ``flock`` (so no other
process reads or writes the files meanwhile), with the snapshot already complete in its temp
file:

1. create ``journal-<g+1>`` afresh (a file of that name can only be the leftover of a
   rotation that crashed before step 3) and copy into it, fsynced, the lines of ``g`` after
   ``start``: operations acknowledged while the snapshot was being written;
2. append a marker to ``g``, so processes that watch ``g`` with one ``fstat`` see it grow;
3. rename the temp file to ``store.json`` and fsync the directory: the commit point;
4. delete ``journal-<g>``.

A crash before 3 leaves the old snapshot with ``g`` complete (start-up deletes ``g+1`` and the
temp file); after it, the new snapshot with ``g+1`` complete (start-up deletes ``g``). Another
process finishes ``g`` through the descriptor it holds, then continues in ``g+1`` from its
start, skipping the lines whose ``n`` it already applied.

**Background snapshots**: writing 100k votes takes about a second, far too long to hold the
locks. For a big state the batch leader forks instead (under the locks, right after a
committed batch, so the child's copy-on-write image equals the files). The child closes every
inherited descriptor (the listening socket, client connections, the lock file), writes
``.store.json.<child pid>.tmp``, fsyncs it and exits; it never renames. A waiter thread reaps
it and, under the locks, performs the rotation with ``start`` = the journal offset at the fork.
If the generation moved meanwhile (another process rotated, or a restore), the file is thrown
away. A small state is written inline: forking costs about as much as writing it.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pollserver.store import snapshot
from pollserver.store.journal import Journal, journal_path, marker
from pollserver.store.state import State

__all__ = ["INLINE_ROWS", "Rotation", "fork_snapshot", "reap", "retire", "state_rows"]

log = logging.getLogger(__name__)

#: States with fewer rows than this are snapshotted inline (about 60 ms at 5,000 votes).
INLINE_ROWS = 5000

_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGABRT")


def state_rows(state: State) -> int:
    """Estimate the rows a snapshot of ``state`` holds (its write time is proportional)."""
    return (sum(map(len, state.votes.values())) + len(state.ideas) + len(state.voter_ideas)
            + sum(map(len, state.responses.values())) + sum(map(len, state.pools.values()))
            + len(state.audit))


def fork_snapshot(state: State, meta: dict[str, Any], path: Path) -> int:
    """Fork a child that writes ``state`` to ``snapshot.temp_path(path, child_pid)``.

    Call it with the state lock held. Returns the child's pid; :func:`reap` tells if it
    succeeded.
    """
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: never return into the server's code, never run its handlers
        gc.disable()  # a collection would touch (and so copy) every page of the state
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        for name in _RESET_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        snapshot.write_temp(snapshot.temp_path(path, os.getpid()), state, meta)
        code = 0
    finally:
        os._exit(code)


def reap(pid: int) -> bool:
    """Wait for a snapshot child; return whether it wrote its file completely."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # someone else reaped it: we cannot tell, so do not trust it
        return False
    return os.waitstatus_to_exitcode(status) == 0


def retire(journal: Journal, data_dir: Path, old: int, start: int, end: int
           ) -> tuple[Journal, int]:
    """Steps 1 and 2: create journal ``old + 1`` holding ``journal[start:end]``, then mark
    ``journal`` retired. Return the new journal and its size; on error remove it and raise."""
    path = journal_path(data_dir, old + 1)
    path.unlink(missing_ok=True)  # leftover of a rotation that crashed before its rename
    new = Journal(path)
    try:
        tail = journal.read_bytes(start, end)
        new.append(tail)
        journal.write(marker(old + 1))
    except BaseException:
        new.close()
        path.unlink(missing_ok=True)
        raise
    return new, len(tail)


class Rotation:
    """Mixin for :class:`~pollserver.store.tinydb.TinyDBStore`: snapshots and """

    data_dir: Path
    snapshot_path: Path
    snapshot_every: int
    inline_rows: int
    state: State
    lock: Any
    _journal: Journal | None
    _gen: int
    _n: int
    _offset: int
    _snap_n: int
    _retry_at: int
    _snap_id: snapshot.FileId | None
    _closed: bool
    _child: tuple[int, threading.Thread] | None

    if TYPE_CHECKING:  # provided by TinyDBStore and Replica, declared here for the checker
        def _exclusive(self) -> AbstractContextManager[None]: ...
        def _catch_up(self) -> None: ...
        def _switch(self, generation: int, journal: Journal | None = None,
                    offset: int = 0) -> None: ...

    def _meta(self, **extra: Any) -> dict[str, Any]:
        return {"format": snapshot.FORMAT, "generation": self._gen, "base": None, "n": self._n,
                **extra}

    def _start_snapshot(self) -> None:
        """Snapshot inline if the state is small, else fork a child to write it."""
        if state_rows(self.state) < self.inline_rows:
            self._snapshot()
            return
        meta = self._meta(generation=self._gen + 1, base=self._gen)
        try:
            pid = fork_snapshot(self.state, meta, self.snapshot_path)
        except OSError as exc:
            log.error("could not fork a snapshot writer: %s", exc)
            self._retry_at = self._n + self.snapshot_every
            return
        waiter = threading.Thread(target=self._finish_snapshot, name="tinydb-snapshot",
                                  args=(pid, self._gen, self._n, self._offset), daemon=True)
        self._child = (pid, waiter)
        waiter.start()

    def _finish_snapshot(self, pid: int, gen: int, n: int, start: int) -> None:
        """Reap the child; install its file by a rotation if it is still the next one."""
        ok = reap(pid)
        tmp = snapshot.temp_path(self.snapshot_path, pid)
        try:
            with self._exclusive(), self.lock:
                self._child = None
                if not ok or self._closed:
                    raise OSError("the snapshot writer failed")
                self._catch_up()
                if self._gen != gen:  # another process rotated, or a restore: not ours now
                    tmp.unlink(missing_ok=True)
                    return
                def install(prepare: Callable[[], None]) -> None:
                    prepare()
                    snapshot.install(tmp, self.snapshot_path)

                self._rotate(n, start, install)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if not self._closed:
                log.error("background snapshot failed, will retry after %d more ops: %s",
                          self.snapshot_every, exc)
                self._retry_at = self._n + self.snapshot_every

    def _after_erase(self) -> None:
        """Compact at once after an erase: the journal lines and the snapshot written before
        it still name the voter and hold their text; a fresh snapshot replaces both."""
        with self._exclusive(), self.lock:
            self._catch_up()
            self._snapshot()

    def _snapshot(self) -> None:
        """Write a snapshot covering everything and rotate to a fresh journal generation."""
        meta = self._meta(generation=self._gen + 1, base=self._gen)
        try:
            self._rotate(self._n, self._offset, lambda prepare: snapshot.write(
                self.snapshot_path, self.state, meta, before_rename=prepare))
        except OSError as exc:  # the journal still holds everything; try again later
            log.error("snapshot failed, will retry after %d more ops: %s",
                      self.snapshot_every, exc)
            self._retry_at = self._n + self.snapshot_every

    def _rotate(self, n: int, start: int,
                write: Callable[[Callable[[], None]], Any]) -> None:
        """Retire our journal for a snapshot covering op ``n`` (ending at byte ``start``).

        ``write(prepare)`` must call ``prepare`` just before renaming the snapshot into place.
        """
        assert self._journal is not None
        old, made = self._gen, []

        def prepare() -> None:
            assert self._journal is not None
            made.append(retire(self._journal, self.data_dir, old, start, self._offset))

        try:
            write(prepare)
        except BaseException:
            if made:
                made[0][0].close()
                journal_path(self.data_dir, old + 1).unlink(missing_ok=True)
            raise
        self._switch(old + 1, *made[0])
        self._snap_id, self._snap_n = snapshot.file_id(self.snapshot_path), n
        journal_path(self.data_dir, old).unlink(missing_ok=True)
