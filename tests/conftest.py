"""Shared fixtures: settings in a temp dir, the app, a client, and voter actions."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pollserver import create_app
from pollserver.config import Settings
from pollserver.domain.kinds import parse_spec
from pollserver.domain.records import Item
from pollserver.domain.specs import spec_to_manifest
from pollserver.web.context import services_of
from tests.ci import missing
from tests.instant import TEST_NOW

ORIGIN = "http://localhost"

# The suite decides every setting itself. `make test` exports its own POLLSERVER_DATA_DIR and
# POLLSERVER_SITE_DIR (and an operator's shell may hold more); a subprocess that inherited them
# would read the project's var/ instead of its temp dir, so a run from `make` would differ from
# a run of pytest alone. Only the tests' own POLLSERVER_TEST_* knobs pass through.
for _name in [n for n in os.environ if n.startswith("POLLSERVER_")
              and not n.startswith("POLLSERVER_TEST_")]:
    del os.environ[_name]


@pytest.fixture(autouse=True)
def _fresh_log_dedupe() -> None:
    """Each test sees its own log records.

    Importing Pelican (the build tests do, in this process) makes every logger created
    afterwards a Pelican logger whose filter drops a warning whose text was logged before,
    anywhere in the process: a test reading the records of a retry warning that an earlier
    test happened to log with the same delivery id would find none.
    """
    pelican_log = sys.modules.get("pelican.log")
    if pelican_log is not None:
        pelican_log.LimitFilter._raised_messages.clear()
        pelican_log.LimitFilter._group_count.clear()


def need_service(name: str, reason: str) -> None:
    """Skip a test whose service is down, except under CI where that is a failure."""
    missing(f"{name} not available: {reason}")


def make_item(kind: str, url: str = "/news/article.html", **block: Any) -> Item:
    """Build a synced item from block fields, as the manifest would carry it."""
    spec = parse_spec(kind, block)
    return Item(kind=kind, id=spec.id, spec=spec_to_manifest(spec),
                source="content/test.md:1", url=url)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a throwaway data dir with rate limits off (tests turn them on)."""
    return Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                    secret_key="test-secret", extra={"store": "memory"})




@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (one voter: it keeps its cookies)."""
    return app.test_client()


@pytest.fixture
def store(app: Flask):
    """The app's store, for arranging state directly."""
    return services_of(app).store


class Clock:
    """A settable clock for phase tests; it starts at the instant under test, never the
    machine's date."""

    def __init__(self) -> None:
        self.now = TEST_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The pollserver app on the chosen settings, its clock at the instant under test (the
    clock is an input: no test runs on the machine's date; ``clock`` moves it)."""
    app = create_app(settings)
    services_of(app).clock = Clock()
    yield app
    services_of(app).store.close()


@pytest.fixture
def clock(app: Flask) -> Clock:
    """The app's clock; set ``clock.now`` to move time."""
    clock = services_of(app).clock
    assert isinstance(clock, Clock)
    return clock


class VoterActions:
    """What a reader's browser does, JSON or no-JS form, always from our own origin."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def vote(self, poll_id: str, *choices: str, **kwargs: Any):
        return self.client.post(f"/api/polls/{poll_id}/vote", json={"choices": list(choices)},
                                headers={"Origin": ORIGIN}, **kwargs)

    def vote_form(self, poll_id: str, *choices: str):
        return self.client.post(f"/api/polls/{poll_id}/vote",
                                data={"choices": list(choices)}, headers={"Origin": ORIGIN})

    def post(self, path: str, json: Any = None, **kwargs: Any):
        headers = {"Origin": ORIGIN, **kwargs.pop("headers", {})}
        return self.client.post(path, json=json, headers=headers, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        headers = {"Origin": ORIGIN, **kwargs.pop("headers", {})}
        return self.client.delete(path, headers=headers, **kwargs)


@pytest.fixture
def voter(client: FlaskClient) -> VoterActions:
    """Actions for one voter."""
    return VoterActions(client)


@pytest.fixture
def new_voter(app: Flask):
    """Make a fresh voter (a new cookie jar) each call."""
    return lambda: VoterActions(app.test_client())
