"""The app's store, clock and spec cache: what every view reaches through the app context.

Like ``get_db`` in Flask's tutorial, this is the one module that knows where the request's
store lives; the web packages (``api``, ``admin``, ``public``) and the presenters ask here
and never each other. The store is opened once per app by the factory (a connection pool or
the embedded journal outlives any one request) and closed with the app: when the app is
dropped, at interpreter exit, or by :func:`close_store` (gunicorn's ``worker_exit``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

from pollserver.domain.errors import NotFound
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.records import Item
from pollserver.domain.specs import Spec
from pollserver.store.base import Store

__all__ = ["clock_of", "close_store", "get_store", "init_app", "load", "now", "spec_of"]

STORE = "pollserver.store"
CLOCK = "pollserver.clock"
SPECS = "pollserver.specs"


def init_app(app: Flask, store: Store) -> None:
    """Give ``app`` its store and close the store with the app (not per process exit)."""
    app.extensions[STORE] = store
    app.extensions["pollserver.closer"] = weakref.finalize(app, store.close)


def close_store(app: Flask) -> None:
    """Close the app's store now (idempotent): the worker is going away."""
    closer = app.extensions.get("pollserver.closer")
    if closer is not None:
        closer()


def get_store() -> Store:
    """Return the app's one store (opened once by the factory)."""
    return current_app.extensions[STORE]


def now() -> datetime:
    """Return the current time from the app's clock (tests may replace the clock)."""
    clock = current_app.extensions.get(CLOCK)
    return clock() if clock else datetime.now(UTC)


def clock_of(app: Flask) -> Callable[[], datetime]:
    """The app's clock for work outside a request (senders, the publish loop): asked at each
    call, so a clock a test sets later is the one used."""

    def clock() -> datetime:
        given = app.extensions.get(CLOCK)
        return given() if given else datetime.now(UTC)

    return clock


def spec_of(item: Item) -> Any:
    """Return the item's parsed spec, parsed once per version of the item.

    Parsing on every vote would be wasted work on the hot path, so specs are cached on the app.
    """
    cache: dict[tuple[str, str], tuple[dict[str, Any], Spec]] = (
        current_app.extensions.setdefault(SPECS, {}))
    cached = cache.get((item.kind, item.id))
    if cached is None or cached[0] is not item.spec and cached[0] != item.spec:
        cached = (item.spec, spec_from_manifest(item.kind, item.spec))
        cache[(item.kind, item.id)] = cached
    return cached[1]


def load(kind: str, item_id: str) -> tuple[Item, Any]:
    """Return the item and its parsed spec, or raise ``NotFound``.

    The item comes from ``Store.recent_item``: a remote store (PostgreSQL) may reuse a copy up
    to a second old, saving a round trip per request; changes made through this process show
    at once.
    """
    item = get_store().recent_item(kind, item_id)
    if item is None:
        raise NotFound(f"There is no {kind} called {item_id[:64]!r}.")
    return item, spec_of(item)
