"""Snapshots of the TinyDB store: a plain TinyDB JSON file, written atomically and streamed.

The file is an ordinary TinyDB database (``TinyDB(path)`` opens it and reads every table),
laid out one document per line::

    {
    "_meta": {
    "1": {"generation": 3, "base": 2, "n": 15000, "seq": 41}
    },
    "votes": {
    "1": {"poll": "p", "voter": "v1", "choices": ["a"]},
    ...
    }
    }

The layout is still valid JSON, but it lets us write a snapshot row by row and read it back
table by table, so neither direction holds a second full copy of 100k votes in memory (a
``json.load`` of the whole file costs three times the state itself). Files in any other
layout, e.g. written by TinyDB itself, are read with ``json.load``.

Writes are atomic: temp file in the same directory, flush, fsync, ``os.replace``, fsync the
directory. A crash leaves either the old snapshot or the new one, plus a stray temp file.

Both directions go through :class:`SnapshotStorage`, a TinyDB ``Storage`` (the library's
documented extension point): the store streams its state through it, and offline tools open
the file with ``TinyDB(path, storage=SnapshotStorage, access_mode="r")`` and query it with
TinyDB's ``Query`` (``pollserver inspect``). Nothing on the hot path uses TinyDB's tables.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from tinydb.storages import Storage

from pollserver.store.memory.documents import from_tables, iter_tables
from pollserver.store.memory.state import State
from pollserver.store.tinydb.journal import fsync_dir, generations, journal_path, marker

__all__ = ["FILENAME", "FORMAT", "FileId", "SnapshotStorage", "file_id", "install", "load",
           "lock_fd", "read_meta", "remove_temps", "restore", "temp_path", "write", "write_temp"]

#: The snapshot's name in the data dir, and the lock file every writer holds.
FILENAME = "store.json"
LOCKNAME = "store.lock"
#: Version of the ``_meta`` doc.
FORMAT = 1

#: What identifies one version of the snapshot file: (inode, mtime_ns, size).
FileId = tuple[int, int, int]


def file_id(path: Path | str) -> FileId | None:
    """Return the identity of the current snapshot file (a rename changes it), or ``None``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


Rows = Iterable[tuple[str, dict[str, Any]]]


def _numbered(rows: Iterable[dict[str, Any]]) -> Rows:
    return ((str(i), row) for i, row in enumerate(rows, 1))


def _lines(tables: Iterable[tuple[str, Rows]]) -> Iterator[str]:
    yield "{\n"
    first = True
    for name, rows in tables:
        yield ("" if first else "},\n") + json.dumps(name) + ": {\n"
        first = False
        sep = ""
        for key, row in rows:
            yield f'{sep}{json.dumps(key)}: {json.dumps(row, separators=(",", ":"))}'
            sep = ",\n"
        if sep:
            yield "\n"
    yield ("}\n" if not first else "") + "}\n"


def temp_path(path: Path, pid: int | None = None) -> Path:
    """Return the temp file a snapshot of ``path`` is written to by process ``pid``."""
    return path.with_name(f".{path.name}.{os.getpid() if pid is None else pid}.tmp")


def write_temp(tmp: Path, state: State, meta: dict[str, Any]) -> None:
    """Write ``state`` with ``meta`` to ``tmp`` and fsync it (the first half of :func:`write`)."""
    SnapshotStorage(tmp).stage(
        ((name, _numbered(rows)) for name, rows in iter_tables(state, meta)), tmp)


def install(tmp: Path, path: Path) -> None:
    """Rename a finished temp snapshot over ``path`` and make the rename durable."""
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)  # ... and the rename itself survives a power cut


def write(path: Path, state: State, meta: dict[str, Any],
          before_rename: Callable[[], None] | None = None) -> None:
    """Write ``state`` with ``meta`` to ``path`` atomically (temp, fsync, rename, fsync dir).

    ``before_rename`` runs between the fsync and the rename; if it raises, nothing changed.
    """
    tmp = temp_path(path)
    write_temp(tmp, state, meta)
    if before_rename is not None:
        try:
            before_rename()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    install(tmp, path)


def remove_temps(data_dir: Path) -> None:
    """Delete temp snapshots left by processes that died (a live one may still write its)."""
    for tmp in data_dir.glob(f".{FILENAME}.*.tmp"):
        pid = tmp.name[len(FILENAME) + 2:-len(".tmp")]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def read_meta(path: Path) -> dict[str, Any]:
    """Return the ``_meta`` doc (generation, base, n, seq) reading only the file's head."""
    with open(path, "rb") as fh:
        head = fh.read(65536).split(b"\n", 3)
    if len(head) > 3 and head[0] == b"{" and head[1] == b'"_meta": {':
        return json.loads(head[2].split(b": ", 1)[1].rstrip(b","))
    with open(path, encoding="utf-8") as fh:
        return dict(json.load(fh).get("_meta", {}).get("1", {}))


class _Table(Mapping[str, dict[str, Any]]):
    """The rows of one table, read from their byte range of the file when iterated.

    A read-only mapping ``doc id -> row``, which is what TinyDB's ``Table`` reads from its
    storage, so TinyDB queries stream the file too.
    """

    def __init__(self, path: Path, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            pos = self.start
            while pos < self.end:
                line = fh.readline()
                pos += len(line)
                key, row = line.split(b": ", 1)
                yield json.loads(key), json.loads(row.rstrip().rstrip(b","))

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return (row for _, row in self.items())

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.items())

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __getitem__(self, key: str) -> dict[str, Any]:
        for k, row in self.items():
            if k == key:
                return row
        raise KeyError(key)


def _index(path: Path) -> dict[str, _Table] | None:
    """Map table names to their row byte ranges, or ``None`` if the layout is not ours."""
    tables: dict[str, _Table] = {}
    with open(path, "rb") as fh:
        if fh.readline() != b"{\n":
            return None
        pos = 2
        name = None
        for line in fh:
            if name is None:
                if line in (b"}\n", b""):
                    break
                if not line.endswith(b": {\n"):
                    return None
                name, start = json.loads(line[:-4]), pos + len(line)
            elif line in (b"}\n", b"},\n"):
                tables[name] = _Table(path, start, pos)
                name = None
            pos += len(line)
    return tables


class SnapshotStorage(Storage):
    """TinyDB storage over a snapshot file: streamed reads, atomic writes.

    ``read`` hands TinyDB lazy tables (rows are parsed while a query iterates them), files in
    another JSON layout are read whole. ``write`` is the store's atomic write (temp, fsync,
    rename, directory fsync), so even a TinyDB user writing through it cannot tear the file;
    ``access_mode="r"`` refuses writes, which is how the offline commands open it.
    """

    def __init__(self, path: str | os.PathLike[str], access_mode: str = "r+") -> None:
        super().__init__()
        self.path = Path(path)
        self.writable = access_mode != "r"

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self.path.exists():
            return None
        tables: Any = _index(self.path)
        if tables is None:
            with open(self.path, encoding="utf-8") as fh:
                tables = json.load(fh)
        return cast(dict[str, dict[str, Any]], tables)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if not self.writable:
            raise PermissionError(f"{self.path}: opened read-only")
        tmp = temp_path(self.path)
        self.stage(((name, list(rows.items())) for name, rows in data.items()), tmp)
        install(tmp, self.path)

    def stage(self, tables: Iterable[tuple[str, Rows]], tmp: Path) -> None:
        """Write ``tables`` to ``tmp`` and fsync it; :func:`install` then renames it."""
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                buffer: list[str] = []
                for line in _lines(tables):
                    buffer.append(line)
                    if len(buffer) >= 2048:
                        fh.write("".join(buffer))
                        buffer.clear()
                fh.write("".join(buffer))
                fh.flush()
                os.fsync(fh.fileno())  # the data is on disk before the name points at it
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def load(path: Path) -> tuple[State, dict[str, Any]]:
    """Rebuild the state from a snapshot file; return it with the meta doc."""
    tables = SnapshotStorage(path, access_mode="r").read()
    if tables is None:
        raise FileNotFoundError(path)
    return from_tables(cast(dict[str, dict[str, dict[str, Any]]], tables))


def _retire(data_dir: Path, gen: int) -> None:
    """Append a marker to every journal, so running stores look and reload."""
    for old in generations(data_dir):
        with open(journal_path(data_dir, old), "ab") as fh:
            fh.write(marker(gen))


def lock_fd(data_dir: Path) -> int:
    """Open the data dir's lock file (``O_RDONLY`` suffices for flock, even if read-only)."""
    return os.open(data_dir / LOCKNAME, os.O_RDONLY | os.O_CREAT, 0o644)


def restore(src: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> None:
    """Make the snapshot file ``src`` (a ``TinyDBStore.backup``) the data dir's state.

    It becomes a new journal generation with no ``base``, so running stores cannot mistake it
    for a rotation they could follow: a marker appended to every old journal makes them
    look, and they reload on their next call.
    """
    src, data_dir = Path(src), Path(data_dir)
    state, meta = load(src)  # refuse a file that does not load before touching any data
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = lock_fd(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        gens = generations(data_dir)
        if (data_dir / FILENAME).exists():
            gens.append(int(read_meta(data_dir / FILENAME).get("generation", 0)))
        gen = max(gens, default=0) + 1
        write(data_dir / FILENAME, state,
              {"format": FORMAT, "generation": gen, "base": None, "n": int(meta.get("n", 0))},
              before_rename=lambda: _retire(data_dir, gen))
        for old in generations(data_dir):
            if old < gen:
                journal_path(data_dir, old).unlink(missing_ok=True)
    finally:
        os.close(fd)  # closing releases the flock
