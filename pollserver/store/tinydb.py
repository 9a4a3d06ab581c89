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

**Group commit** (leader/follower, no writer thread): a caller queues its operation; if no
batch is being written it becomes the *leader* and writes the batch itself, else it waits as
a *follower* on a lock of its own. The leader takes whatever queued up (its own op first) as
one batch. Under the ``flock`` and the state lock it catches up, applies the batch and writes
its lines; then it releases the *state* lock and fsyncs with only the ``flock`` held, so reads
in this process go on during the fsync (they may see the batch a few milliseconds before it
is durable: nothing has been acknowledged yet) and the next batch queues up meanwhile. After
the fsync it wakes each follower of the batch with its result, starts a snapshot if one is
due, and passes the lead to the oldest queued caller, which writes the next batch (whatever
queued up during this one). So an acknowledged operation survives ``kill -9`` and power loss,
and a caller that finds the store idle writes its op without any thread hand-off. An
operation that breaks a rule is not journaled; its caller gets the DomainError. Each op is
encoded once; the op applied is the caller's dict itself when it is plain JSON (str, int,
bool, None, lists of str), else the decoded line, so the live state always equals a replay.

**Disk errors** (ENOSPC, EIO, read-only): on a failed write or fsync the journal is cut back
to its last good length (still under the ``flock``, so no other process saw the lines) and the
state reloaded from disk; every caller in the batch gets ``StoreUnavailable`` (503). Nothing
acknowledged is lost, the next batch simply tries again.

**Rotation**, every ``snapshot_every`` operations and on close: see ``rotation.py``. A big
state is snapshotted by a forked child from its copy-on-write image, so requests never wait
for it; only the rename and journal switch happen under the locks.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from _thread import allocate_lock
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pollserver.domain.errors import DomainError, StoreUnavailable
from pollserver.store import snapshot
from pollserver.store.journal import Journal, decode_op, encode, intern_op
from pollserver.store.memory import MemoryStore
from pollserver.store.replica import Replica
from pollserver.store.rotation import INLINE_ROWS, Rotation
from pollserver.store.state import State

__all__ = ["TinyDBStore", "restore"]

restore = snapshot.restore

log = logging.getLogger(__name__)

#: Most operations one journal write (and so one fsync) carries.
MAX_BATCH = 1000

_PLAIN = (str, int, bool, type(None))

#: Bumped in every forked child, so a store notices a fork without a getpid per call.
_forks = 0


def _after_fork() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_after_fork)


class _Op:
    """One caller's operation: its outcome, and the lock its caller waits on (held until
    released once to make the caller leader, and/or once when the outcome is set)."""

    __slots__ = ("op", "result", "error", "done", "wake")

    def __init__(self, op: dict[str, Any]) -> None:
        self.op = op
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.wake = allocate_lock()
        self.wake.acquire()

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True
        self.wake.release()


def _unavailable(exc: OSError) -> StoreUnavailable:
    reason = exc.strerror or exc.__class__.__name__
    return StoreUnavailable(f"The store cannot save right now ({reason}); please try again.")


def _as_replayed(op: dict[str, Any], op_json: str) -> dict[str, Any]:
    """Return the op as replay will see it: ``op`` itself when JSON cannot change it."""
    for key, value in op.items():
        if type(key) is not str or (type(value) not in _PLAIN and not (
                type(value) is list and all(type(v) is str for v in value))):
            return decode_op(op_json)
    return intern_op(op)


class TinyDBStore(Replica, Rotation, MemoryStore):
    """A :class:`MemoryStore` whose every change is journaled, fsynced and shared via files."""

    backend = "tinydb"
    #: Snapshot inline below this many rows, in a forked child above (see ``rotation.py``).
    inline_rows = INLINE_ROWS

    def __init__(self, data_dir: str | os.PathLike[str], *, snapshot_every: int = 5000,
                 inline_rows: int = INLINE_ROWS) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.snapshot_path = self.data_dir / snapshot.FILENAME
        self.snapshot_every = max(1, int(snapshot_every))
        self.inline_rows = max(0, int(inline_rows))
        #: Journal writes (one fsync each) and the operations they carried, for benchmarks.
        self.journal_writes = self.journal_ops = 0
        self._journal: Journal | None = None
        self._gen = self._n = self._offset = self._snap_n = self._retry_at = 0
        self._snap_id: snapshot.FileId | None = None
        self._snap_check_at = 0.0
        self._stale = True
        self._closed = False
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._setup_process()
            with self._exclusive(), self.lock:
                self._remove_leftovers()
                self._reload()
        except OSError as exc:
            raise _unavailable(exc) from exc

    # -- processes and locks -----------------------------------------------------------

    def _setup_process(self) -> None:
        """Create what must not be shared with a forked parent: the flock fd, locks, queue."""
        self._forked = _forks
        # flock belongs to the open file description, which fork shares: a child must open
        # its own, or parent and child would count as one lock holder.
        self._lock_fd = snapshot.lock_fd(self.data_dir)
        self._flock_mutex = threading.Lock()  # one flock holder per process at a time
        self.lock = threading.RLock()
        self._submit_lock = threading.Lock()
        self._pending: list[_Op] = []  # queued for the next batch, oldest first
        self._leading = False  # a caller is writing a batch (pending ops wait for it)
        self._idle = threading.Condition(self._submit_lock)  # close() waits for the lead
        self._child: tuple[int, threading.Thread] | None = None  # a snapshot being written

    def _check_process(self) -> None:
        if self._forked != _forks:  # forked (e.g. gunicorn --preload): start afresh
            self._setup_process()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the cross-process lock (and the in-process mutex guarding its descriptor)."""
        with self._flock_mutex:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # -- the MemoryStore hooks ---------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[State]:
        """Yield the state, first applying what other processes acknowledged."""
        if self._forked != _forks:
            self._setup_process()
        if self._closed:
            raise StoreUnavailable("The store is closed.")
        if self._behind():
            try:
                with self._exclusive(), self.lock:
                    self._catch_up()
            except OSError as exc:
                raise _unavailable(exc) from exc
        with self.lock:
            yield self.state

    def commit(self, op: dict[str, Any]) -> Any:
        """Queue ``op``, writing the batch if no one else is; return once it is fsynced."""
        if self._forked != _forks:
            self._setup_process()
        item = _Op(self.with_events(op))
        with self._submit_lock:
            if self._closed:
                raise StoreUnavailable("The store is closed.")
            self._pending.append(item)
            lead = not self._leading
            self._leading = True
        if not lead:
            item.wake.acquire()  # until our op is written or we are handed the lead
        if not item.done:
            self._lead()
        if item.error is not None:
            raise item.error
        return item.result

    # -- group commit: the leader writes one batch, then passes the lead on ------------

    def _lead(self) -> None:
        """Write what queued up (our op first) as one batch; pass the lead to the next op."""
        with self._submit_lock:
            batch = self._pending[:MAX_BATCH]
            del self._pending[:MAX_BATCH]
        try:
            while batch:
                batch = self._write_batch(batch)
        except BaseException:  # not even an Exception: do not leave the batch hanging
            self._stale = True
            for item in batch:
                if not item.done:
                    item.finish(error=StoreUnavailable("The store failed to save."))
            raise
        finally:
            with self._submit_lock:
                successor = self._pending[0] if self._pending else None
                if successor is None:
                    self._leading = False
                    if self._closed:
                        self._idle.notify_all()
            if successor is not None:
                successor.wake.release()

    def _write_batch(self, batch: list[_Op]) -> list[_Op]:
        """Apply, journal and fsync one batch; return operations left for another round."""
        done: list[tuple[_Op, Any]] = []
        rest: list[_Op] = []
        try:
            with self._exclusive():
                with self.lock:
                    self._catch_up()
                    start = self._offset
                    lines: list[bytes] = []
                    for i, item in enumerate(batch):
                        op = item.op
                        try:
                            op_json = json.dumps(op, separators=(",", ":"))
                        except (TypeError, ValueError) as exc:
                            item.finish(error=exc)
                            continue
                        try:
                            result = self.state.apply(_as_replayed(op, op_json))
                        except DomainError as exc:  # rules broken: not journaled, no change
                            item.finish(error=exc)
                            continue
                        except Exception as exc:  # a bug may have half-applied it: reload
                            item.finish(error=exc)
                            self._stale = True
                            rest = batch[i + 1:]
                            break
                        lines.append(encode(self._n + len(lines) + 1, op_json))
                        done.append((item, result))
                    if lines:
                        self._write(b"".join(lines), len(lines))
                    if self._stale:  # keep readers out of a half-applied state until reloaded
                        if lines:
                            self._sync(start, len(lines))
                        self._reload()
                        lines = []
                if lines:  # the state lock is free: reads go on while we wait for the disk
                    self._sync(start, len(lines))
                for item, result in done:
                    item.finish(result)
                done = []
                if (self._n - self._snap_n >= self.snapshot_every and self._n >= self._retry_at
                        and self._child is None):
                    with self.lock:
                        self._start_snapshot()
        except Exception as exc:
            error = _unavailable(exc) if isinstance(exc, OSError) else exc
            for item in batch:
                if not item.done:
                    item.finish(error=error)
            return []
        return rest

    def _write(self, data: bytes, count: int) -> None:
        """Append the lines (not yet durable); on failure restore memory from disk, raise."""
        assert self._journal is not None
        start = self._offset
        try:
            self._journal.write(data)
        except OSError:
            self._cut_back(start)
            raise
        self._offset += len(data)
        self._n += count

    def _sync(self, start: int, count: int) -> None:
        """fsync the lines written since ``start``; on failure cut them off again, raise."""
        assert self._journal is not None
        try:
            self._journal.sync()
        except OSError:
            with self.lock:
                self._cut_back(start)
            raise
        self.journal_writes += 1
        self.journal_ops += count

    def _cut_back(self, start: int) -> None:
        assert self._journal is not None
        try:
            self._journal.truncate(start)  # drop whatever part was written
            self._reload()
        except OSError as exc:  # stale: the next read or write reloads from disk first
            self._stale = True
            log.error("could not restore the store after a failed append: %s", exc)

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """Write a consistent snapshot of the current state to ``dest`` while serving."""
        self._check_process()
        dest = Path(dest)
        try:
            with self._exclusive(), self.lock:
                self._catch_up()
                snapshot.write(dest, self.state, self._meta(backup=True))
        except OSError as exc:
            raise _unavailable(exc) from exc
        return dest

    @staticmethod
    def restore(src: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> None:
        """Replace the state in ``data_dir`` with the backup file ``src``."""
        snapshot.restore(src, data_dir)

    def close(self) -> None:
        """Refuse new ops, let queued ones be written, stop any snapshot child, write a final
        snapshot, release the files."""
        self._check_process()
        with self._submit_lock:
            if self._closed:
                return
            self._closed = True
            while self._leading:  # the leaders drain what was queued before we closed
                self._idle.wait()
        if (child := self._child) is not None:  # the final snapshot supersedes it
            try:
                os.kill(child[0], 9)
            except OSError:
                pass
            child[1].join()
        try:
            with self._exclusive(), self.lock:
                self._catch_up()
                if self._n > self._snap_n:
                    self._snapshot()
        except OSError as exc:
            log.error("final snapshot failed (the journal still has everything): %s", exc)
        finally:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            os.close(self._lock_fd)
