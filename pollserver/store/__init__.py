"""Storage backends behind one interface (``base.py``); ``open_store(settings)`` picks one.

The interface and its parts are the modules of this folder (``base.py`` documents them and
their size); each backend is a folder: ``memory/`` (the rules as a state machine, the
reference), ``tinydb/`` (that machine made durable, the embedded default), ``postgres/``
(scale-out). A new backend is a folder, a line in :data:`OPENERS` and a line in
``Settings.backend``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pollserver.config import Settings
    from pollserver.store.base import Store

__all__ = ["OPENERS", "open_store"]


def _postgres(settings: Settings) -> Store:
    from pollserver.store.postgres import PostgresStore

    assert settings.database_url is not None
    return PostgresStore(settings.database_url, timeout=settings.db_timeout,
                         connect_timeout=max(1, round(settings.db_timeout)))


def _memory(settings: Settings) -> Store:
    from pollserver.store.memory import MemoryStore

    return MemoryStore()


def _tinydb(settings: Settings) -> Store:
    from pollserver.store.tinydb import TinyDBStore

    return TinyDBStore(settings.data_dir, snapshot_every=settings.snapshot_every,
                       inline_rows=settings.snapshot_fork_at)


#: ``Settings.backend`` -> how to open that store (imported only when chosen).
OPENERS: dict[str, Callable[[Settings], Store]] = {
    "postgres": _postgres, "memory": _memory, "tinydb": _tinydb}


def open_store(settings: Settings) -> Store:
    """Open the backend the settings select: PostgreSQL when a URL is set, else TinyDB."""
    return OPENERS[settings.backend](settings)
