"""The memory store's items calls (``store/base.py``, items): the manifest's polls, jams and
surveys, as operations on the state machine (``state.py``) or reads of it.

Plain functions taking the store first; :class:`~pollserver.store.memory.MemoryStore` binds
each one in its body (``sync_items = items.sync_items``), so callers still write
``store.sync_items(...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from pollserver.domain.records import Item, SyncReport

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["get_item", "list_items", "set_closed_at", "sync_items"]


def sync_items(store: MemoryStore, items: Sequence[Item]) -> SyncReport:
    rows = [{"kind": i.kind, "id": i.id, "spec": i.spec, "source": i.source, "url": i.url}
            for i in items]
    return store.commit({"op": "sync", "items": rows})


def get_item(store: MemoryStore, kind: str, item_id: str) -> Item | None:
    with store.reading() as state:
        return state.items.get((kind, item_id))


def list_items(store: MemoryStore, kind: str | None = None) -> list[Item]:
    with store.reading() as state:
        return [i for key, i in sorted(state.items.items()) if kind in (None, key[0])]


def set_closed_at(store: MemoryStore, kind: str, item_id: str,
                  closed_at: datetime | None) -> None:
    store.commit({"op": "close", "kind": kind, "id": item_id,
                  "closed_at": closed_at.isoformat() if closed_at else None})
