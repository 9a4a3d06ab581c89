"""The app context module: one store per app, closed with the app (once), not at exit only;
the app's services are reached through it."""

from __future__ import annotations

import gc

from flask import Flask

from pollserver.config import Settings
from pollserver.web.context import close_store, get_store, init_app, services, services_of


class CountingStore:
    def __init__(self, closed: list[str], name: str) -> None:
        self.closed, self.name = closed, name

    def close(self) -> None:
        self.closed.append(self.name)


def test_the_store_closes_once_on_demand_and_when_the_app_goes():
    closed: list[str] = []
    first = Flask("first")
    held = init_app(first, Settings(), CountingStore(closed, "first"))  # type: ignore[arg-type]
    with first.app_context():
        assert get_store().name == "first"  # type: ignore[attr-defined]
        assert services() is held is services_of(first)
    close_store(first)
    close_store(first)
    assert closed == ["first"]

    second = Flask("second")
    init_app(second, Settings(), CountingStore(closed, "second"))  # type: ignore[arg-type]
    del second
    gc.collect()
    assert closed == ["first", "second"]
