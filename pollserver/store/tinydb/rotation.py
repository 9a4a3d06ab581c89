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

:class:`Snapshots` is the TinyDB store's part that decides when to snapshot and performs the
rotation. It owns its settings and the child being waited for; it reaches the state through
the :class:`~pollserver.store.memory.engine.Memory`, the journal through the
:class:`~pollserver.store.tinydb.journal.JournalWriter`, the snapshot bookkeeping through the
:class:`~pollserver.store.tinydb.replica.Follower` and the files through the
:class:`~pollserver.store.tinydb.flock.FileLock` it is given, each by its public methods.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pollserver.store.memory.engine import Memory
from pollserver.store.memory.state import State
from pollserver.store.tinydb import snapshot
from pollserver.store.tinydb.flock import FileLock
from pollserver.store.tinydb.journal import Journal, JournalWriter, journal_path, marker
from pollserver.store.tinydb.replica import Follower

__all__ = ["INLINE_ROWS", "Snapshots", "fork_snapshot", "reap", "retire", "state_rows"]

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


class Snapshots:
    """When to snapshot, and the rotation that installs a snapshot (see the module doc)."""

    def __init__(self, memory: Memory, writer: JournalWriter, follower: Follower,
                 files: FileLock, *, every: int, inline_rows: int = INLINE_ROWS) -> None:
        self.memory, self.writer, self.follower, self.files = memory, writer, follower, files
        self.data_dir = follower.data_dir
        self.snapshot_path = follower.snapshot_path
        #: Snapshot after this many operations; inline below ``inline_rows`` rows, else fork.
        self.every = max(1, int(every))
        self.inline_rows = max(0, int(inline_rows))
        #: The snapshot child being waited for, as ``(pid, waiter thread)``.
        self.child: tuple[int, threading.Thread] | None = None
        self.stopped = False
        self._retry_at = 0

    def meta(self, **extra: Any) -> dict[str, Any]:
        """Return the meta of a snapshot of the state as it is now (``extra`` overrides)."""
        return {"format": snapshot.FORMAT, "generation": self.writer.gen, "base": None,
                "n": self.writer.n, **extra}

    def due(self) -> bool:
        """Tell whether the journal grew enough since the last snapshot to start one now."""
        n = self.writer.n
        return (n - self.follower.snap_n >= self.every and n >= self._retry_at
                and self.child is None)

    def start(self) -> None:
        """Snapshot inline if the state is small, else fork a child to write it (call it
        under the ``flock`` and the state lock, right after a committed batch)."""
        state = self.memory.state
        if state_rows(state) < self.inline_rows:
            self.write_now()
            return
        gen, n = self.writer.gen, self.writer.n
        meta = self.meta(generation=gen + 1, base=gen)
        try:
            pid = fork_snapshot(state, meta, self.snapshot_path)
        except OSError as exc:
            log.error("could not fork a snapshot writer: %s", exc)
            self._retry_at = n + self.every
            return
        waiter = threading.Thread(target=self._finish, name="tinydb-snapshot",
                                  args=(pid, gen, n, self.writer.offset), daemon=True)
        self.child = (pid, waiter)
        waiter.start()

    def _finish(self, pid: int, gen: int, n: int, start: int) -> None:
        """Reap the child; install its file by a rotation if it is still the next one."""
        ok = reap(pid)
        tmp = snapshot.temp_path(self.snapshot_path, pid)
        try:
            with self.files.exclusive(), self.memory.lock:
                self.child = None
                if not ok or self.stopped:
                    raise OSError("the snapshot writer failed")
                self.follower.catch_up()
                if self.writer.gen != gen:  # another process rotated, or a restore: not ours
                    tmp.unlink(missing_ok=True)
                    return

                def install(prepare: Callable[[], None]) -> None:
                    prepare()
                    snapshot.install(tmp, self.snapshot_path)

                self._rotate(n, start, install)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if not self.stopped:
                log.error("background snapshot failed, will retry after %d more ops: %s",
                          self.every, exc)
                self._retry_at = self.writer.n + self.every

    def compact(self) -> None:
        """Compact at once after an erase: the journal lines and the snapshot written before
        it still name the voter and hold their text; a fresh snapshot replaces both."""
        with self.files.exclusive(), self.memory.lock:
            self.follower.catch_up()
            self.write_now()

    def write_now(self) -> None:
        """Write a snapshot covering everything and rotate to a fresh journal generation."""
        gen = self.writer.gen
        meta = self.meta(generation=gen + 1, base=gen)
        state = self.memory.state
        try:
            self._rotate(self.writer.n, self.writer.offset, lambda prepare: snapshot.write(
                self.snapshot_path, state, meta, before_rename=prepare))
        except OSError as exc:  # the journal still holds everything; try again later
            log.error("snapshot failed, will retry after %d more ops: %s", self.every, exc)
            self._retry_at = self.writer.n + self.every

    def final(self) -> None:
        """On close: snapshot if the journal holds anything the snapshot does not."""
        if self.writer.n > self.follower.snap_n:
            self.write_now()

    def _rotate(self, n: int, start: int,
                write: Callable[[Callable[[], None]], Any]) -> None:
        """Retire our journal for a snapshot covering op ``n`` (ending at byte ``start``).

        ``write(prepare)`` must call ``prepare`` just before renaming the snapshot into place.
        """
        old, made = self.writer.gen, []

        def prepare() -> None:
            made.append(retire(self.writer.current(), self.data_dir, old, start,
                               self.writer.offset))

        try:
            write(prepare)
        except BaseException:
            if made:
                made[0][0].close()
                journal_path(self.data_dir, old + 1).unlink(missing_ok=True)
            raise
        self.writer.switch(old + 1, *made[0])
        self.follower.adopt(n)
        journal_path(self.data_dir, old).unlink(missing_ok=True)

    def stop(self) -> None:
        """The store is closing: a child that finishes from now on is thrown away."""
        self.stopped = True

    def kill_child(self) -> None:
        """Kill a child still writing and wait for its waiter (a final snapshot supersedes
        it)."""
        if (child := self.child) is not None:
            try:
                os.kill(child[0], 9)
            except OSError:
                pass
            child[1].join()

    def after_fork(self) -> None:
        """In a forked child: the parent's snapshot child and its waiter are not ours."""
        self.child = None
