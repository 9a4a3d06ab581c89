"""The append-only journal of the TinyDB store: one JSON line per operation.

A line is ``{"n": 17, "op": {...}}\\n``: ``n`` numbers operations across the whole life of
the data dir (it keeps counting across journal generations), so a reader can skip lines a
snapshot already covers and never applies a line twice.

Only *complete* lines count. A crash in the middle of an append leaves a torn tail (no final
newline, or half a JSON document); readers stop before it and the next writer truncates it
away before appending, so a torn tail is never fatal. A complete line that does not decode
(disk damage) is skipped with a warning rather than ending the replay, so one bad line cannot
hide the acknowledged operations after it.

A *marker* line ``{"n": -1, "next": 4}`` carries no operation: a rotation or a restore appends
one to a journal it is about to retire, so processes that watch that journal with a single
``fstat`` see it grow and go look at the snapshot. Readers skip markers.

This module only moves bytes; locking (who may append, when) lives in ``group_commit.py``.
:class:`JournalWriter` is the TinyDB store's part that knows which journal it is in and how
far: the follower (``replica.py``) reads on from there, the group commit appends there, and
a rotation (``rotation.py``) switches it to the next generation.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

__all__ = ["Journal", "JournalWriter", "decode_op", "dumps_op", "encode", "fsync_dir",
           "generations", "intern_op", "journal_path", "loads_line", "marker"]

log = logging.getLogger(__name__)

#: Read the journal in chunks this big, so replaying a long journal needs little memory.
CHUNK = 4 * 1024 * 1024


def journal_path(data_dir: Path, generation: int) -> Path:
    """Return the journal file of one generation (a snapshot starts a new generation)."""
    return data_dir / f"journal-{generation}.jsonl"


def generations(data_dir: Path) -> list[int]:
    """Return the generations that have a journal file in ``data_dir``."""
    names = (p.name[len("journal-"):-len(".jsonl")] for p in data_dir.glob("journal-*.jsonl"))
    return sorted(int(name) for name in names if name.isdigit())


def fsync_dir(path: Path) -> None:
    """Make a rename, create or unlink inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: orjson writes what the standard encoder writes (compact) for every plain op; anything it
#: would treat differently (a subclass, a datetime, a dataclass) it refuses, and so does
#: anything it cannot encode (a lone surrogate, an int past 64 bits): those go to ``json``.
_ORJSON = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS
           | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)


def dumps_op(op: dict[str, Any]) -> bytes:
    """Return ``op`` as compact JSON (UTF-8); ``TypeError``/``ValueError`` if it is not JSON.

    orjson does it in a fraction of the time (a vote: ~1.6 µs against ~13 µs, measured in
    docs/benchmarks.md); whatever it refuses is left to the standard encoder, so what can be
    journaled is exactly what could be before."""
    try:
        return orjson.dumps(op, option=_ORJSON)
    except TypeError:
        return json.dumps(op, separators=(",", ":")).encode()


def loads_line(data: bytes | str) -> Any:
    """Parse one JSON document: orjson, or the standard parser for what orjson refuses
    (``NaN``, a lone surrogate escape, an int past 64 bits), so every line that parsed
    before still parses."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def encode(n: int, op_json: bytes) -> bytes:
    """Return the journal line of operation number ``n`` (``op_json`` is already JSON)."""
    return b'{"n": %d, "op": %s}\n' % (n, op_json)


def marker(next_generation: int) -> bytes:
    """Return a line that tells watchers "this journal is retired; see the snapshot"."""
    return b'{"n": -1, "next": %d}\n' % next_generation


def intern_op(op: dict[str, Any]) -> dict[str, Any]:
    # Every vote names the same few option keys; share one string per key instead of one per
    # vote (about 60 bytes a vote at 100k votes).
    if op.get("op") == "vote":
        op["choices"] = [sys.intern(c) for c in op["choices"]]
    return op


def decode_op(op_json: str | bytes) -> dict[str, Any]:
    """Parse an operation the way replay will see it (lists, not tuples; shared keys)."""
    return intern_op(loads_line(op_json))


class Journal:
    """One open journal file: read complete lines from an offset, append, truncate."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            # A read-only data dir still serves reads; appends will fail (StoreUnavailable).
            self.fd = os.open(path, os.O_RDONLY)
        # The directory entry of a new journal must be durable before the first
        # acknowledged line lands in it, or a power cut could lose the whole file.
        try:
            fsync_dir(path.parent)
        except OSError as exc:
            log.warning("could not fsync %s: %s", path.parent, exc)

    def size(self) -> int:
        """Return the file size in bytes (one ``fstat``, the cheap "anything new?" check)."""
        return os.fstat(self.fd).st_size

    def read_from(self, offset: int, size: int | None = None
                  ) -> Iterator[tuple[int, int, dict[str, Any] | None]]:
        """Yield ``(end_offset, n, op)`` for each complete line between ``offset`` and
        ``size`` (the file's size now when not given: one ``fstat``).

        ``op`` is ``None`` for a complete line that does not decode (it is skipped). The
        torn tail after the last newline is not yielded.
        """
        if size is None:
            size = self.size()
        pending = b""
        while offset + len(pending) < size:
            chunk = os.pread(self.fd, min(CHUNK, size - offset - len(pending)),
                             offset + len(pending))
            if not chunk:
                break
            pending += chunk
            cut = pending.rfind(b"\n") + 1
            for line in pending[:cut].splitlines(keepends=True):
                offset += len(line)
                try:
                    doc = loads_line(line)
                    if "next" in doc and "op" not in doc:  # a marker: nothing to apply
                        yield offset, -1, None
                        continue
                    yield offset, int(doc["n"]), intern_op(doc["op"])
                except (ValueError, KeyError, TypeError, AttributeError):
                    log.warning("%s: skipping an unreadable line ending at byte %d",
                                self.path, offset)
                    yield offset, -1, None
            pending = pending[cut:]

    def write(self, data: bytes) -> None:
        """Write ``data`` at the end (not yet durable: see :meth:`sync`).

        A failed call may leave part of ``data`` behind: the caller truncates it away.
        """
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def sync(self) -> None:
        """Make everything written so far durable (``fsync``)."""
        os.fsync(self.fd)

    def append(self, data: bytes) -> None:
        """Write ``data`` at the end and fsync; raise ``OSError`` on any failure."""
        self.write(data)
        self.sync()

    def read_bytes(self, start: int, end: int) -> bytes:
        """Return the bytes between two offsets (whole lines, when both are line ends)."""
        parts = []
        while start < end:
            chunk = os.pread(self.fd, min(CHUNK, end - start), start)
            if not chunk:
                break
            parts.append(chunk)
            start += len(chunk)
        return b"".join(parts)

    def truncate(self, offset: int) -> None:
        """Cut the file back to ``offset`` (drop a torn tail or a failed batch) and fsync."""
        os.ftruncate(self.fd, offset)
        os.fsync(self.fd)

    def close(self) -> None:
        """Close the file descriptor."""
        os.close(self.fd)


class JournalWriter:
    """The open journal generation of one process and its position in it.

    ``n`` is the last operation applied to this process's state, ``offset`` the byte after
    its line; both only move forward through :meth:`read_new` and :meth:`write`, or start
    over with :meth:`open` and :meth:`switch`. Callers hold the store's ``flock``.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.journal: Journal | None = None
        self.gen = self.n = self.offset = 0
        #: Journal writes (one fsync each) and the operations they carried, for benchmarks.
        self.writes = self.ops = 0

    def open(self, generation: int, n: int) -> None:
        """Start reading ``generation`` from its first byte, after operation ``n``."""
        self.close()
        self.gen, self.n, self.offset = generation, n, 0
        self.journal = Journal(journal_path(self.data_dir, generation))

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def switch(self, generation: int, journal: Journal | None = None, offset: int = 0) -> None:
        """Continue in the journal of ``generation`` at ``offset`` (lines we have are skipped)."""
        new = journal or Journal(journal_path(self.data_dir, generation))
        self.close()
        self.journal, self.gen, self.offset = new, generation, offset

    def current(self) -> Journal:
        """Return the open journal (it is only ever missing while a reload is under way)."""
        assert self.journal is not None, "the journal is not open"
        return self.journal

    def unread(self) -> int:
        """Return how many bytes follow our offset (a negative count: cut back under us)."""
        return self.current().size() - self.offset

    def read_new(self, size: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yield ``(n, op)`` for each complete line after our offset (up to ``size``, when
        the caller has just read it) that we did not apply; ``n`` counts as applied once the
        caller asks for the next one."""
        for end, n, op in self.current().read_from(self.offset, size):
            self.offset = end
            if op is None or n <= self.n:
                continue
            yield n, op
            self.n = n

    def write(self, data: bytes, count: int) -> None:
        """Append ``count`` encoded lines, not yet durable; raise ``OSError`` on failure (the
        caller then cuts the journal back to where it was)."""
        self.current().write(data)
        self.offset += len(data)
        self.n += count

    def sync(self, count: int) -> None:
        """fsync what was written; count it as one journal write of ``count`` operations."""
        self.current().sync()
        self.writes += 1
        self.ops += count

    def truncate(self, offset: int) -> None:
        """Cut the journal back to ``offset`` (a torn tail, or a batch that failed)."""
        self.current().truncate(offset)
