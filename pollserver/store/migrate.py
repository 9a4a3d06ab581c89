"""Copy everything from one store to another (``pollserver migrate --from var/ --to ...``).

The copy goes through the snapshot table format of ``documents.py``: the embedded stores hand
out their state as tables, the PostgreSQL store exports and imports them. Only facts travel
(votes, ideas, answers, codes); the target derives its tallies from them, and ``migrate``
then compares every poll's tally and every idea's vote count on both sides before it reports
success, so "identical tallies" is checked rather than hoped for.
"""

from __future__ import annotations

from typing import Any

from pollserver.store.base import Store
from pollserver.store.documents import to_tables
from pollserver.store.memory import MemoryStore

__all__ = ["MigrationError", "migrate", "tables_of"]

Tables = dict[str, dict[str, dict[str, Any]]]


class MigrationError(RuntimeError):
    """The copy does not match its source (or a store cannot take part in a migration)."""


def tables_of(store: Store) -> Tables:
    """Return the store's whole state as snapshot tables."""
    export = getattr(store, "export_tables", None)
    if callable(export):
        return export()
    if isinstance(store, MemoryStore):  # the memory and TinyDB stores
        with store.reading() as state:
            return to_tables(state, {})
    raise MigrationError(f"cannot read everything from a {store.backend} store")


def migrate(source: Store, target: Store) -> dict[str, int]:
    """Copy ``source`` into the empty ``target`` and verify it; return rows copied per table."""
    load = getattr(target, "import_tables", None)
    if not callable(load):
        raise MigrationError(f"a {target.backend} store cannot be a migration target")
    tables = tables_of(source)
    counts = load(tables)
    _verify(source, target, tables)
    return counts


def _verify(source: Store, target: Store, tables: Tables) -> None:
    """Raise ``MigrationError`` unless the two stores agree on every tally and idea count."""
    polls = {doc["poll"] for doc in tables.get("votes", {}).values()}
    polls |= {item.id for item in source.list_items("poll")}
    for poll in sorted(polls):
        if source.tally(poll) != target.tally(poll):
            raise MigrationError(f"poll {poll!r}: tally {target.tally(poll)} after the copy, "
                                 f"{source.tally(poll)} before")
    jams = {doc["jam_id"] for doc in tables.get("ideas", {}).values()}
    for jam in sorted(jams):
        before = [(i.id, i.votes, i.status) for i in source.list_ideas(jam)]
        after = [(i.id, i.votes, i.status) for i in target.list_ideas(jam)]
        if before != after:
            raise MigrationError(f"jam {jam!r}: ideas {after} after the copy, {before} before")
    # Pools that never held a code are not facts the snapshot format carries.
    pools_before, pools_after = ({pool: n for pool, n in store.pool_stats().items() if n[0]}
                                 for store in (source, target))
    if pools_before != pools_after:
        raise MigrationError(f"code pools {pools_after} after the copy, {pools_before} before")
    if source.list_champions() != target.list_champions():
        raise MigrationError("champion grants differ after the copy")
