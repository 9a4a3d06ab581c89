"""Collect the dashboard's numbers: one list of rows per kind of block (no rendering here).

The kinds come from the registry (``pollserver.domain.kinds``); :data:`DETAILS` says what a
row of each kind adds, and ``tests/domain/test_kinds.py`` fails for a kind without an entry.
Items that are no kind of block (the site's statuses and announcements) have no row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pollserver.admin.versioned import per_version
from pollserver.domain.kinds import BY_NAME, KINDS
from pollserver.domain.phases import phase_of
from pollserver.domain.records import Idea, Item
from pollserver.store.base import Store
from pollserver.web.context import get_store, now, spec_of

__all__ = ["DETAILS", "item_state", "overview"]


def item_state(item: Item) -> str:
    """Return ``not-open``, ``open`` or ``closed`` for any kind of item."""
    return phase_of(item, spec_of(item), now())


def _poll(store: Store, item: Item) -> dict[str, Any]:
    tally = store.tally(item.id)
    return {"total": tally.total, "bars": [(o["label"], tally.counts.get(o["key"], 0))
                                           for o in item.spec.get("options", [])]}


def _jam(store: Store, item: Item) -> dict[str, Any]:
    return per_version(item.id, "counts", _counts)


def _counts(ideas: list[Idea]) -> dict[str, Any]:
    return {"ideas": len(ideas), "pending": sum(1 for i in ideas if i.moderation == "pending"),
            "votes": sum(i.votes for i in ideas), "winners": sum(1 for i in ideas if i.winner)}


def _survey(store: Store, item: Item) -> dict[str, Any]:
    return {"responses": store.list_responses(item.id)}


def _claim(store: Store, item: Item) -> dict[str, Any]:
    total, claimed = store.pool_stats().get(str(item.spec.get("pool")), (0, 0))
    return {"pool": item.spec.get("pool"), "left": total - claimed, "total": total}


#: What a dashboard row of each kind holds besides the item and its state.
DETAILS: dict[str, Callable[[Store, Item], dict[str, Any]]] = {
    "poll": _poll, "jam": _jam, "survey": _survey, "claim": _claim}


def overview() -> dict[str, Any]:
    """Return the dashboard's rows by manifest section: ``polls``, ``jams``, ``surveys``."""
    store = get_store()
    rows: dict[str, list[dict[str, Any]]] = {kind.section: [] for kind in KINDS}
    for item in store.list_items():
        kind = BY_NAME.get(item.kind)
        if kind is None:
            continue  # the site's own settings (statuses, announcements) are not items to run
        rows[kind.section].append({"item": item, "state": item_state(item),
                                   **DETAILS[kind.name](store, item)})
    return rows
