"""The embedded store: the memory store's state machine, made durable with a journal.

Files under ``data_dir``:

- ``store.json``: the latest snapshot, a plain TinyDB database file (see ``snapshot.py``).
  Its ``_meta`` doc says which journal generation follows it and the last operation number
  ``n`` it contains.
- ``journal-<generation>.jsonl``: operations after the snapshot, one JSON line each.
- ``store.lock``: the ``flock`` that serialises everything that touches the files.

**Why several processes are safe** (gunicorn with ``-w 2`` sharing ``var/``): every process
keeps its own :class:`State` and only ever changes the files while holding an exclusive
``flock`` on ``store.lock``. Under the lock it first *catches up* (applies the journal lines
other processes appended since its last offset, or reloads when a snapshot rotated the journal
in a way it cannot follow), then validates and applies its batch, appends it and fsyncs.
So every operation is checked against the complete, current state, and uniqueness rules
(one vote per voter, jam budgets, one code per voter) hold across processes exactly as
within one. No process ever opens the file with ``TinyDB(path)`` for writing: TinyDB
rewrites the whole file on each write and has no locking, which is why its own docs warn
against several processes; here the snapshot file is only ever replaced by an atomic rename
under the lock, and TinyDB is merely a readable format.

**Group commit**: callers hand their operation to one writer thread per process and wait on
a future. The writer drains whatever queued up while it was busy and writes it as one batch:
one ``write`` and one ``fsync`` for all of them. A future resolves only after the fsync, so an
acknowledged operation survives ``kill -9`` (and power loss). An operation that breaks a rule
is not journaled; its caller gets the DomainError.

**Disk errors** (ENOSPC, EIO, read-only): the batch's operations were applied to the memory
state before the write, so on failure the journal is cut back to its last good length and
the state is reloaded from disk, then every caller in the batch gets ``StoreUnavailable``
(503). Nothing acknowledged is lost, memory never shows what the disk does not hold, and the
next batch simply tries again, so the store recovers by itself when space returns.

**Snapshots and rotation**, every ``snapshot_every`` operations and on close, under the lock:
write ``store.json`` atomically with ``generation = g + 1, base = g, n = last op``; create
``journal-<g+1>.jsonl``; delete ``journal-<g>.jsonl``. A crash between the steps leaves an old
journal whose lines the snapshot already covers; start-up deletes it. Another process
notices the new snapshot (its inode changed), reads the rest of the old journal through the
descriptor it still holds, and follows into the new generation if ``base`` is its generation
and ``n`` its last operation; otherwise it reloads snapshot + journal.
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
from pollserver.store.journal import Journal, decode_op, encode, journal_path
from pollserver.store.memory import MemoryStore
from pollserver.store.state import State

__all__ = ["TinyDBStore", "restore"]

log = logging.getLogger(__name__)

SNAPSHOT = "store.json"
LOCK = "store.lock"
#: Most operations one journal write (and so one fsync) carries.
MAX_BATCH = 1000
#: Version of the ``_meta`` doc.
FORMAT = 1

_Pending = tuple[dict[str, Any], Future]


def _unavailable(exc: OSError) -> StoreUnavailable:
    reason = exc.strerror or exc.__class__.__name__
    return StoreUnavailable(f"The store cannot save right now ({reason}); please try again.")


def _lock_fd(data_dir: Path) -> int:
    # O_RDONLY is enough for flock and still works when the data dir is read-only.
    return os.open(data_dir / LOCK, os.O_RDONLY | os.O_CREAT, 0o644)


class TinyDBStore(MemoryStore):
    """A :class:`MemoryStore` whose every change is journaled, fsynced and shared via files."""

    backend = "tinydb"

    def __init__(self, data_dir: str | os.PathLike[str], *, snapshot_every: int = 5000) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.snapshot_path = self.data_dir / SNAPSHOT
        self.snapshot_every = max(1, int(snapshot_every))
        #: Journal writes (one fsync each) and the operations they carried, for benchmarks.
        self.journal_writes = 0
        self.journal_ops = 0
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
        self._lock_fd = _lock_fd(self.data_dir)
        self._flock_mutex = threading.Lock()  # one flock holder per process at a time
        self.lock = threading.RLock()
        self._submit_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def _check_process(self) -> None:
        if self._pid != os.getpid():
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
        for tmp in self.data_dir.glob(f".{SNAPSHOT}.*.tmp"):
            tmp.unlink(missing_ok=True)
        if self.snapshot_path.exists():
            current = int(snapshot.read_meta(self.snapshot_path).get("generation", 0))
            for path in self.data_dir.glob("journal-*.jsonl"):
                gen = path.name[len("journal-"):-len(".jsonl")]
                if gen.isdigit() and int(gen) < current:
                    path.unlink()

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
            except OSError as exc:
                log.error("%s: could not cut back a failed append: %s", self._journal.path, exc)
            try:
                self._reload()
            except OSError as exc:  # stays stale: the next read or write retries the reload
                log.error("could not reload the store after a failed append: %s", exc)
            raise
        self._offset += len(data)
        self._n += count
        self.journal_writes += 1
        self.journal_ops += count

    # -- snapshots ---------------------------------------------------------------------

    def _meta(self, **extra: Any) -> dict[str, Any]:
        return {"format": FORMAT, "generation": self._gen, "base": None, "n": self._n, **extra}

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
        """Replace the state in ``data_dir`` with the backup file ``src`` (see :func:`restore`)."""
        restore(src, data_dir)

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
        while True:  # anything queued behind the stop marker
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
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


def restore(src: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> None:
    """Make the snapshot file ``src`` (from :meth:`TinyDBStore.backup`) the data dir's state.

    Running stores notice the new snapshot generation on their next call and reload.
    """
    src, data_dir = Path(src), Path(data_dir)
    state, meta = snapshot.load(src)  # refuse a file that does not load before touching data
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = _lock_fd(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        gens = [int(p.name[len("journal-"):-len(".jsonl")])
                for p in data_dir.glob("journal-*.jsonl")
                if p.name[len("journal-"):-len(".jsonl")].isdigit()]
        if (data_dir / SNAPSHOT).exists():
            gens.append(int(snapshot.read_meta(data_dir / SNAPSHOT).get("generation", 0)))
        gen = max(gens, default=0) + 1
        snapshot.write(data_dir / SNAPSHOT, state,
                       {"format": FORMAT, "generation": gen, "base": None,
                        "n": int(meta.get("n", 0))})
        for old in range(min(gens, default=gen), gen):
            journal_path(data_dir, old).unlink(missing_ok=True)
    finally:
        os.close(fd)  # closing releases the flock
