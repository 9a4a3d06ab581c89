"""The TinyDB store's cross-process lock: an exclusive ``flock`` on ``store.lock``.

Every process touches the data dir's files only while holding it (see ``store.py``). A
``flock`` belongs to the open file description, which a fork shares, so a forked child must
open its own (:meth:`FileLock.reopen`) or parent and child would count as one holder. Threads
of one process take turns through a mutex, so the descriptor has one user at a time.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pollserver.store.tinydb import snapshot

__all__ = ["FileLock"]


class FileLock:
    """Hold ``store.lock`` exclusively: ``with lock.exclusive(): ...``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._fd = snapshot.lock_fd(data_dir)
        self._mutex = threading.Lock()

    def reopen(self) -> None:
        """In a forked child: a descriptor and a mutex of its own (the parent's stay open)."""
        self._fd = snapshot.lock_fd(self.data_dir)
        self._mutex = threading.Lock()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the cross-process lock (and the in-process mutex guarding its descriptor)."""
        with self._mutex:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self._fd)
