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
processes as within one. Reads catch up too, but only when an fstat shows new bytes. Nothing
ever opens the file with ``TinyDB(path)`` for writing (TinyDB rewrites the whole file without
locking, which its docs warn breaks with several processes); ``store.json`` is only replaced
by an atomic rename under the lock, TinyDB being merely its readable format.

**Group commit**: callers queue their operation for one writer thread per process and wait on
a future. The writer takes whatever queued up meanwhile as one batch: one write, one fsync.
Futures resolve after the fsync, so an acknowledged operation survives ``kill -9`` and power
loss. An operation that breaks a rule is not journaled; its caller gets the DomainError.

**Disk errors** (ENOSPC, EIO, read-only): the batch was applied in memory before the write, so
on failure the journal is cut back to its last good length and the state reloaded from disk;
every caller in the batch gets ``StoreUnavailable`` (503). Nothing acknowledged is lost, memory
never shows what the disk lacks, and the next batch simply tries again.

**Rotation**, every ``snapshot_every`` operations and on close, under the lock: write
``store.json`` atomically with ``generation g+1, base g, n``; create ``journal-<g+1>``; delete
``journal-<g>``. After a crash between steps, start-up deletes the covered old journal. Other
processes notice the new snapshot inode, finish the old journal through the descriptor they
hold and follow if ``base`` and ``n`` match their position; otherwise they reload.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pollserver.domain.errors import DomainError, StoreUnavailable
from pollserver.store import snapshot
from pollserver.store.journal import Journal, decode_op, encode, generations, journal_path
from pollserver.store.memory import MemoryStore
from pollserver.store.state import State

__all__ = ["TinyDBStore", "restore"]

restore = snapshot.restore

log = logging.getLogger(__name__)

#: Most operations one journal write (and so one fsync) carries.
MAX_BATCH = 1000

_Pending = tuple[dict[str, Any], Future]


def _unavailable(exc: OSError) -> StoreUnavailable:
    reason = exc.strerror or exc.__class__.__name__
    return StoreUnavailable(f"The store cannot save right now ({reason}); please try again.")


class TinyDBStore(MemoryStore):
    """A :class:`MemoryStore` whose every change is journaled, fsynced and shared via files."""

    backend = "tinydb"

    def __init__(self, data_dir: str | os.PathLike[str], *, snapshot_every: int = 5000) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.snapshot_path = self.data_dir / snapshot.FILENAME
        self.snapshot_every = max(1, int(snapshot_every))
        #: Journal writes (one fsync each) and the operations they carried, for benchmarks.
        self.journal_writes = self.journal_ops = 0
        self._journal: Journal | None = None
        self._gen = self._n = self._offset = self._snap_n = self._retry_at = 0
        self._snap_id: snapshot.FileId | None = None
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
        """Create what must not be shared with a forked parent: the flock fd, locks, writer."""
        self._pid = os.getpid()
        # flock belongs to the open file description, which fork shares: a child must open
        # its own, or parent and child would count as one lock holder.
        self._lock_fd = snapshot.lock_fd(self.data_dir)
        self._flock_mutex = threading.Lock()  # one flock holder per process at a time
        self.lock = threading.RLock()
        self._submit_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def _check_process(self) -> None:
        if self._pid != os.getpid():  # forked (e.g. gunicorn --preload): start afresh
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

    # -- loading and catching up (always under the exclusive lock and self.lock) ---------

    def _remove_leftovers(self) -> None:
        """Delete temp files of interrupted snapshots and journals a snapshot covers."""
        for tmp in self.data_dir.glob(f".{snapshot.FILENAME}.*.tmp"):
            tmp.unlink(missing_ok=True)
        if self.snapshot_path.exists():
            current = int(snapshot.read_meta(self.snapshot_path).get("generation", 0))
            for gen in generations(self.data_dir):
                if gen < current:
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
                if meta.get("base") == self._gen and meta.get("n") == self._n:
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

    def _switch(self, generation: int) -> None:
        """Continue in the journal of ``generation`` from its start."""
        new = Journal(journal_path(self.data_dir, generation))
        if self._journal is not None:
            self._journal.close()
        self._journal, self._gen, self._offset = new, generation, 0

    def _behind(self) -> bool:
        """Cheaply tell whether the files changed since we last looked (fstat + stat)."""
        journal = self._journal
        try:
            return (self._stale or journal is None or journal.size() != self._offset
                    or snapshot.file_id(self.snapshot_path) != self._snap_id)
        except OSError:
            return True

    # -- the MemoryStore hooks ---------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[State]:
        """Yield the state, first applying what other processes acknowledged."""
        self._check_process()
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
        """Queue ``op`` for the writer thread; return its result once it is fsynced."""
        self._check_process()
        future: Future = Future()
        with self._submit_lock:
            if self._closed:
                raise StoreUnavailable("The store is closed.")
            if self._writer is None:
                self._writer = threading.Thread(target=self._run, name="tinydb-journal",
                                                daemon=True)
                self._writer.start()
            self._queue.put((op, future))
        return future.result()

    # -- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        """Write batches until ``close`` queues ``None``."""
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            while batch:
                batch = self._write_batch(batch)

    def _write_batch(self, batch: list[_Pending]) -> list[_Pending]:
        """Apply, journal and fsync one batch; return operations left for another round."""
        done: list[tuple[Future, Any]] = []
        rest: list[_Pending] = []
        try:
            with self._exclusive(), self.lock:
                self._catch_up()
                lines = []
                for i, (op, future) in enumerate(batch):
                    try:
                        op_json = json.dumps(op, separators=(",", ":"))
                    except (TypeError, ValueError) as exc:
                        future.set_exception(exc)
                        continue
                    try:
                        result = self.state.apply(decode_op(op_json))
                    except DomainError as exc:  # rules broken: not journaled, nothing changed
                        future.set_exception(exc)
                        continue
                    except Exception as exc:  # a bug may have half-applied it: reload after
                        future.set_exception(exc)
                        self._stale = True
                        rest = batch[i + 1:]
                        break
                    lines.append(encode(self._n + len(lines) + 1, op_json))
                    done.append((future, result))
                if lines:
                    self._append(b"".join(lines), len(lines))
                for future, result in done:
                    future.set_result(result)
                done = []
                if self._stale:
                    self._reload()
                elif (self._n - self._snap_n >= self.snapshot_every
                      and self._n >= self._retry_at):
                    self._snapshot()
        except Exception as exc:
            error = _unavailable(exc) if isinstance(exc, OSError) else exc
            for future, _ in done:
                future.set_exception(error)
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return []
        return rest

    def _append(self, data: bytes, count: int) -> None:
        """Append and fsync; on failure restore memory to what the disk holds, then raise."""
        assert self._journal is not None
        try:
            self._journal.append(data)
        except OSError:
            try:
                self._journal.truncate(self._offset)  # drop whatever part was written
                self._reload()
            except OSError as exc:  # stale: the next read or write reloads from disk first
                self._stale = True
                log.error("could not restore the store after a failed append: %s", exc)
            raise
        self._offset += len(data)
        self._n += count
        self.journal_writes += 1
        self.journal_ops += count

    # -- snapshots ---------------------------------------------------------------------

    def _meta(self, **extra: Any) -> dict[str, Any]:
        return {"format": snapshot.FORMAT, "generation": self._gen, "base": None, "n": self._n,
                **extra}

    def _snapshot(self) -> None:
        """Write a snapshot covering everything and rotate to a fresh journal generation."""
        old = self._gen
        try:
            snapshot.write(self.snapshot_path, self.state,
                           self._meta(generation=old + 1, base=old))
        except OSError as exc:  # the journal still holds everything; try again later
            log.error("snapshot failed, will retry after %d more ops: %s",
                      self.snapshot_every, exc)
            self._retry_at = self._n + self.snapshot_every
            return
        self._snap_id, self._snap_n = snapshot.file_id(self.snapshot_path), self._n
        try:
            self._switch(old + 1)
        except OSError as exc:
            log.error("could not start journal generation %d: %s", old + 1, exc)
            self._stale = True  # the next operation reopens it (or reports 503)
            return
        journal_path(self.data_dir, old).unlink(missing_ok=True)

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
        """Stop the writer, write a final snapshot and release the files."""
        self._check_process()
        with self._submit_lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
            if writer is not None:
                self._queue.put(None)
        if writer is not None:
            writer.join()
        while not self._queue.empty():  # anything queued behind the stop marker
            if (item := self._queue.get()) is not None:
                item[1].set_exception(StoreUnavailable("The store is closed."))
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

