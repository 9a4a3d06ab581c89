"""What the embedded stores run their operations on: an *engine*, held by the store.

:class:`~pollserver.store.memory.MemoryStore` turns every ``Store`` call into a state-machine
operation (``state.py``) or a read of the state, and hands it to the engine it holds. The
memory store holds a bare :class:`Memory`; the TinyDB store holds a
:class:`~pollserver.store.tinydb.group_commit.GroupCommit`, which owns its own :class:`Memory` and
journals every change before it acknowledges it. So the Store API is written once, the rules
live once (``state.py``), and durability is a part that is plugged in, not inherited.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from pollserver.store.memory.state import State

__all__ = ["Engine", "Memory"]


class Engine(Protocol):
    """The narrow interface a :class:`~pollserver.store.memory.MemoryStore` needs."""

    def commit(self, op: dict[str, Any]) -> Any:
        """Apply one operation atomically (and durably, if the engine is); return its result."""

    def reading(self) -> AbstractContextManager[State]:
        """Hold a consistent, current view of the state for the ``with`` block."""

    def compact(self) -> None:
        """Drop older copies of erased data (an erase must not live on in old files)."""


class Memory:
    """The state machine in memory and the one lock over it.

    ``state`` is replaced as a whole on a reload (:meth:`reset`), never patched from outside;
    ``lock`` is re-entrant so a caller may hold it around a batch of applies.
    """

    def __init__(self) -> None:
        self.state = State()
        self.lock = threading.RLock()

    def commit(self, op: dict[str, Any]) -> Any:
        """Apply ``op`` under the lock: the whole engine of the memory store."""
        with self.lock:
            return self.state.apply(op)

    @contextmanager
    def reading(self) -> Iterator[State]:
        with self.lock:
            yield self.state

    def compact(self) -> None:
        """Nothing to compact: the memory store keeps no other copy."""

    def reset(self, state: State | None = None) -> None:
        """Replace the whole state (a reload); call it with the lock held."""
        self.state = State() if state is None else state

    def renew_lock(self) -> None:
        """Give a forked child its own lock (the parent's may have been held at the fork)."""
        self.lock = threading.RLock()
