"""Rate-limit counters in a small SQLite file in the data dir, shared by local processes.

The embedded setup may run several gunicorn workers on one ``var/`` and has no Redis. With
per-process memory counters each worker would allow the full limit (two workers: twice the
ideas a minute). This storage keeps the moving windows in ``var/limits.sqlite3`` instead, so
every process on the host counts together. The counters are not votes: the file runs with
``synchronous=OFF`` (nothing is fsynced) and may be deleted at any time; losing it only
forgets recent hits.

Keys are kept as SHA-256 digests: a limit key may name a voter id (``voter:<id>``), and an
erased voter's id must not stay readable in the data dir (nor in its write-ahead log).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage
from limits.storage.base import MovingWindowSupport

__all__ = ["FileStorage", "FILENAME"]

FILENAME = "limits.sqlite3"

#: Rows older than this are purged whatever their key (the longest window is a day).
KEEP_SECONDS = 86400

#: Purge old rows of every key once per this many hits.
PURGE_EVERY = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
"""


def _digest(key: str) -> str:
    """The stored form of a limit key (what it counts, never who in clear)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class FileStorage(Storage, MovingWindowSupport):
    """A ``limits`` storage (moving window) on SQLite; one connection per thread and process."""

    STORAGE_SCHEME = ["pollserver-file"]

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self._local = threading.local()
        self._hits = 0
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (a forked worker opens its own)."""
        held = getattr(self._local, "conn", None)
        if held is None or held[0] != os.getpid():
            held = self._local.conn = (os.getpid(), self._connect())
        return held[1]

    def _count(self, conn: sqlite3.Connection, key: str, expiry: int,
               now: float) -> tuple[float, int]:
        row = conn.execute("SELECT MIN(at), COUNT(*) FROM hits WHERE key = ? AND at > ?",
                           (key, now - expiry)).fetchone()
        return (row[0] if row[0] is not None else now), row[1]

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        key = _digest(key)
        if amount > limit:
            return False
        conn, now = self._conn(), time.time()
        conn.execute("BEGIN IMMEDIATE")  # one writer at a time across processes
        try:
            conn.execute("DELETE FROM hits WHERE key = ? AND at <= ?", (key, now - expiry))
            _, used = self._count(conn, key, expiry, now)
            if used + amount > limit:
                return False
            conn.executemany("INSERT INTO hits (key, at) VALUES (?, ?)",
                             [(key, now)] * amount)
            self._hits += 1
            if self._hits % PURGE_EVERY == 0:
                conn.execute("DELETE FROM hits WHERE at <= ?", (now - KEEP_SECONDS,))
            return True
        finally:
            conn.execute("COMMIT")

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        key = _digest(key)
        return self._count(self._conn(), key, expiry, time.time())

    # Fixed-window operations: not used by the moving-window strategy, kept minimal.

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = _digest(key)
        now = time.time()
        conn = self._conn()
        conn.executemany("INSERT INTO hits (key, at) VALUES (?, ?)", [(key, now)] * amount)
        return self._count(conn, key, expiry, now)[1]

    def get(self, key: str) -> int:
        key = _digest(key)
        row = self._conn().execute("SELECT COUNT(*) FROM hits WHERE key = ?", (key,))
        return int(row.fetchone()[0])

    def get_expiry(self, key: str) -> float:
        key = _digest(key)
        row = self._conn().execute("SELECT MAX(at) FROM hits WHERE key = ?", (key,))
        latest = row.fetchone()[0]
        return float(latest) if latest is not None else time.time()

    def check(self) -> bool:
        try:
            self._conn().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._conn().execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        key = _digest(key)
        self._conn().execute("DELETE FROM hits WHERE key = ?", (key,))
