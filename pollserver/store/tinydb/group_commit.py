"""The TinyDB store's engine: reads that catch up first, and changes journaled by group commit.

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

:class:`GroupCommit` owns only the queue (who leads, who waits, whether the store is closed);
it is handed the store's other parts and uses each through its public attributes and
methods.
"""

from __future__ import annotations

import logging
import os
import threading
from _thread import allocate_lock
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pollserver.domain.errors import DomainError, StoreUnavailable
from pollserver.store.memory.engine import Memory
from pollserver.store.memory.state import State
from pollserver.store.tinydb.flock import FileLock
from pollserver.store.tinydb.journal import (
    JournalWriter,
    decode_op,
    dumps_op,
    encode,
    intern_op,
)
from pollserver.store.tinydb.replica import Follower
from pollserver.store.tinydb.rotation import Snapshots

__all__ = ["MAX_BATCH", "GroupCommit", "unavailable"]

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


def unavailable(exc: OSError) -> StoreUnavailable:
    """Return the 503 a disk error becomes (the message says what the disk said)."""
    reason = exc.strerror or exc.__class__.__name__
    return StoreUnavailable(f"The store cannot save right now ({reason}); please try again.")


def _as_replayed(op: dict[str, Any], op_json: bytes) -> dict[str, Any]:
    """Return the op as replay will see it: ``op`` itself when JSON cannot change it."""
    for key, value in op.items():
        if type(key) is not str or (type(value) not in _PLAIN and not (
                type(value) is list and all(type(v) is str for v in value))):
            return decode_op(op_json)
    return intern_op(op)


class GroupCommit:
    """The engine of the TinyDB store (``engine.py``): commit, reading and compact."""

    def __init__(self, memory: Memory, files: FileLock, writer: JournalWriter,
                 follower: Follower, snapshots: Snapshots) -> None:
        self.memory, self.files, self.writer = memory, files, writer
        self.follower, self.snapshots = follower, snapshots
        self.closed = False
        self._start_queue()
        self._forked = _forks

    def _start_queue(self) -> None:
        self._submit_lock = threading.Lock()
        #: Operations queued for the next batch, oldest first.
        self.pending: list[_Op] = []
        #: A caller is writing a batch (pending ops wait for it).
        self.leading = False
        self._idle = threading.Condition(self._submit_lock)  # close() waits for the lead

    def check_process(self) -> None:
        """After a fork (e.g. gunicorn ``--preload``) start afresh: what a parent held at the
        fork (locks, the queue, its snapshot child) must not be shared with the child."""
        if self._forked != _forks:
            self._forked = _forks
            self.files.reopen()
            self.memory.renew_lock()
            self.snapshots.after_fork()
            self._start_queue()

    # -- the engine: reads ---------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[State]:
        """Yield the state, first applying what other processes acknowledged."""
        if self._forked != _forks:
            self.check_process()
        if self.closed:
            raise StoreUnavailable("The store is closed.")
        if self.follower.behind():
            try:
                with self.files.exclusive(), self.memory.lock:
                    self.follower.catch_up()
            except OSError as exc:
                raise unavailable(exc) from exc
        with self.memory.lock:
            yield self.memory.state

    def compact(self) -> None:
        self.snapshots.compact()

    # -- the engine: changes, by group commit ------------------------------------------

    def commit(self, op: dict[str, Any]) -> Any:
        """Queue ``op``, writing the batch if no one else is; return once it is fsynced."""
        if self._forked != _forks:
            self.check_process()
        item = _Op(op)
        with self._submit_lock:
            if self.closed:
                raise StoreUnavailable("The store is closed.")
            self.pending.append(item)
            lead = not self.leading
            self.leading = True
        if not lead:
            item.wake.acquire()  # until our op is written or we are handed the lead
        if not item.done:
            self._lead()
        if item.error is not None:
            raise item.error
        return item.result

    def _lead(self) -> None:
        """Write what queued up (our op first) as one batch; pass the lead to the next op."""
        with self._submit_lock:
            batch = self.pending[:MAX_BATCH]
            del self.pending[:MAX_BATCH]
        try:
            while batch:
                batch = self.write_batch(batch)
        except BaseException:  # not even an Exception: do not leave the batch hanging
            self.follower.stale = True
            for item in batch:
                if not item.done:
                    item.finish(error=StoreUnavailable("The store failed to save."))
            raise
        finally:
            with self._submit_lock:
                successor = self.pending[0] if self.pending else None
                if successor is None:
                    self.leading = False
                    if self.closed:
                        self._idle.notify_all()
            if successor is not None:
                successor.wake.release()

    def write_batch(self, batch: list[_Op]) -> list[_Op]:
        """Apply, journal and fsync one batch; return operations left for another round."""
        done: list[tuple[_Op, Any]] = []
        rest: list[_Op] = []
        memory, writer, follower = self.memory, self.writer, self.follower
        try:
            with self.files.exclusive():
                with memory.lock:
                    follower.catch_up()
                    start = writer.offset
                    state = memory.state
                    lines: list[bytes] = []
                    for i, item in enumerate(batch):
                        op = item.op
                        try:
                            op_json = dumps_op(op)
                        except (TypeError, ValueError) as exc:
                            item.finish(error=exc)
                            continue
                        try:
                            result = state.apply(_as_replayed(op, op_json))
                        except DomainError as exc:  # rules broken: not journaled, no change
                            item.finish(error=exc)
                            continue
                        except Exception as exc:  # a bug may have half-applied it: reload
                            item.finish(error=exc)
                            follower.stale = True
                            rest = batch[i + 1:]
                            break
                        lines.append(encode(writer.n + len(lines) + 1, op_json))
                        done.append((item, result))
                    if lines:
                        self._write(b"".join(lines), len(lines))
                    if follower.stale:  # keep readers out of a half-applied state until reloaded
                        if lines:
                            self._sync(start, len(lines))
                        follower.reload()
                        lines = []
                if lines:  # the state lock is free: reads go on while we wait for the disk
                    self._sync(start, len(lines))
                for item, result in done:
                    item.finish(result)
                done = []
                if self.snapshots.due():
                    with memory.lock:
                        self.snapshots.start()
        except Exception as exc:
            error = unavailable(exc) if isinstance(exc, OSError) else exc
            for item in batch:
                if not item.done:
                    item.finish(error=error)
            return []
        return rest

    def _write(self, data: bytes, count: int) -> None:
        """Append the lines (not yet durable); on failure restore memory from disk, raise."""
        start = self.writer.offset
        try:
            self.writer.write(data, count)
        except OSError:
            self._cut_back(start)
            raise

    def _sync(self, start: int, count: int) -> None:
        """fsync the lines written since ``start``; on failure cut them off again, raise."""
        try:
            self.writer.sync(count)
        except OSError:
            with self.memory.lock:
                self._cut_back(start)
            raise

    def _cut_back(self, start: int) -> None:
        try:
            self.writer.truncate(start)  # drop whatever part was written
            self.follower.reload()
        except OSError as exc:  # stale: the next read or write reloads from disk first
            self.follower.stale = True
            log.error("could not restore the store after a failed append: %s", exc)

    def close(self) -> bool:
        """Refuse new ops and wait until the ops queued before are written; return False if
        the store was closed already."""
        self.check_process()
        with self._submit_lock:
            if self.closed:
                return False
            self.closed = True
            self.snapshots.stop()
            while self.leading:  # the leaders drain what was queued before we closed
                self._idle.wait()
        return True
