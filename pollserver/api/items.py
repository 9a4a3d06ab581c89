"""Access to the store, the clock and validated item specs for the API views."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from pollserver.domain.errors import NotFound
from pollserver.domain.records import Item
from pollserver.domain.specs import Spec, spec_from_manifest
from pollserver.store.base import Store

__all__ = ["get_store", "load", "now"]



def get_store() -> Store:
    """Return the app's one store (opened once by the factory)."""
    return current_app.extensions["pollserver.store"]


def now() -> datetime:
    """Return the current time from the app's clock (tests may replace the clock)."""
    clock = current_app.extensions.get("pollserver.clock")
    return clock() if clock else datetime.now(UTC)


def load(kind: str, item_id: str) -> tuple[Item, Any]:
    """Return the item and its parsed spec, or raise ``NotFound``.

    Specs are parsed once per version of the item and cached on the app, because parsing on
    every vote would be wasted work on the hot path. The item itself comes from
    ``Store.recent_item``: a remote store (PostgreSQL) may reuse a copy up to a second old,
    saving a round trip per request; changes made through this process show at once.
    """
    item = get_store().recent_item(kind, item_id)
    if item is None:
        raise NotFound(f"There is no {kind} called {item_id[:64]!r}.")
    cache: dict[tuple[str, str], tuple[dict[str, Any], Spec]] = (
        current_app.extensions.setdefault("pollserver.specs", {}))
    cached = cache.get((kind, item_id))
    if cached is None or cached[0] is not item.spec and cached[0] != item.spec:
        cached = (item.spec, spec_from_manifest(kind, item.spec))
        cache[(kind, item_id)] = cached
    return item, cached[1]
