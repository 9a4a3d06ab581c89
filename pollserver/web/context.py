"""The one way to the app's services: :func:`services` in a request, :func:`services_of` outside.

Like ``get_db`` in Flask's tutorial, this is the one module that knows where the app keeps
what it holds (``app.extensions["pollserver"]``, a typed :class:`~pollserver.web.services
.Services`); the web packages, the jobs and the tests ask here, never by string key. The
store is opened once per app by the factory (a connection pool or the embedded journal
outlives any one request) and closed with the app: when the app is dropped, at interpreter
exit, or by :func:`close_store` (gunicorn's ``worker_exit``).

The short forms below are what most views need: :func:`get_store`, :func:`now` (the app's
clock; :func:`clock_of` for work outside a request), :func:`load` (an item and its parsed
spec) and :func:`reader` (what the presenters are handed).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from pollserver.config import Settings, clock_for
from pollserver.domain.records import Item
from pollserver.store.base import Store
from pollserver.web.services import Reader, Services

__all__ = ["clock_of", "close_store", "get_store", "init_app", "letters", "load", "now", "reader",
           "services", "services_of", "spec_of"]

#: The one key the app's services are kept under.
KEY = "pollserver"


def init_app(app: Flask, settings: Settings, store: Store) -> Services:
    """Give ``app`` its services, and close the store with the app (not per process exit)."""
    held = Services(settings=settings, store=store, clock=clock_for(settings))
    held.closer = weakref.finalize(app, store.close)
    app.extensions[KEY] = held
    return held


def services_of(app: Flask) -> Services:
    """Return ``app``'s services (for work outside a request: jobs, commands, tests)."""
    return app.extensions[KEY]


def services() -> Services:
    """Return the current app's services."""
    return current_app.extensions[KEY]


def close_store(app: Flask) -> None:
    """Close the app's store now (idempotent): the worker is going away."""
    held = app.extensions.get(KEY)  # an app without services has no store to close
    if held is not None and held.closer is not None:
        held.closer()


def get_store() -> Store:
    """Return the app's one store (opened once by the factory)."""
    return current_app.extensions[KEY].store


def letters() -> Path | None:
    """The folder mail is written to (``var/mail/``) when no SMTP server is set, else None."""
    settings = services().settings
    return None if settings.smtp_url else settings.data_dir / "mail"


def now() -> datetime:
    """Return the current time from the app's clock (tests may replace the clock)."""
    return current_app.extensions[KEY].now()


def clock_of(app: Flask) -> Callable[[], datetime]:
    """The app's clock for work outside a request (senders, jobs): asked at each call, so a
    clock a test sets later is the one used."""
    return services_of(app).now


def spec_of(item: Item) -> Any:
    """Return the item's parsed spec, parsed once per version of the item."""
    return services().specs.spec_of(item)


def load(kind: str, item_id: str) -> tuple[Item, Any]:
    """Return the item and its parsed spec, or raise ``NotFound`` (``SpecCache.load``)."""
    held: Services = current_app.extensions[KEY]
    return held.specs.load(held.store, kind, item_id)


def reader(voter: str | None) -> Reader:
    """What the presenters need to show things to ``voter`` in this request."""
    return services().reader(voter, limited=g.get("reward_limited"))
