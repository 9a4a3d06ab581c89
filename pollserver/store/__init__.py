"""Storage backends behind one interface; ``open_store(settings)`` picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pollserver.config import Settings
    from pollserver.store.base import Store

__all__ = ["open_store"]


def open_store(settings: Settings) -> Store:
    """Open the backend the settings select: PostgreSQL when a URL is set, else TinyDB."""
    if settings.database_url:
        from pollserver.store.postgres import PostgresStore

        return PostgresStore(settings.database_url, timeout=settings.db_timeout,
                             connect_timeout=max(1, round(settings.db_timeout)))
    if settings.extra.get("store") == "memory":
        from pollserver.store.memory import MemoryStore

        return MemoryStore()
    from pollserver.store.tinydb import TinyDBStore

    return TinyDBStore(settings.data_dir, snapshot_every=settings.snapshot_every,
                       inline_rows=settings.snapshot_fork_at)
