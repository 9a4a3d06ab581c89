"""A full or read-only disk under the embedded store is a clear 503, never lost data.

The fault is injected into ``os.write`` / ``os.fsync`` for the store's own files only (we
run as root, so a read-only ``chmod`` would not stop us), for a window; then space "returns".
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.security.conftest import seed

ORIGIN = {"Origin": "http://localhost"}


class DiskFault:
    """Make writes or fsyncs of files under ``data_dir`` fail with ``errno`` while on."""

    def __init__(self, data_dir: Path, call: str, code: int) -> None:
        self.data_dir = str(data_dir.resolve())
        self.call, self.code = call, code
        self.on = False
        self.hits = 0

    def ours(self, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(self.data_dir)
        except OSError:
            return False

    def wrap(self, real: Callable) -> Callable:
        def faulty(fd: int, *args):
            if self.on and self.ours(fd):
                self.hits += 1
                raise OSError(self.code, os.strerror(self.code))
            return real(fd, *args)

        return faulty


@pytest.fixture(params=[("write", errno.ENOSPC), ("fsync", errno.ENOSPC),
                        ("write", errno.EROFS), ("fsync", errno.EIO)],
                ids=lambda p: f"{p[0]}-{errno.errorcode[p[1]]}")
def faulty(request, tmp_path: Path, monkeypatch) -> DiskFault:
    fault = DiskFault(tmp_path / "var", *request.param)
    monkeypatch.setattr(os, fault.call, fault.wrap(getattr(os, fault.call)))
    return fault


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                    secret_key="disk")  # no "store" override: the TinyDB store


@pytest.fixture
def tinydb_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_settings(tmp_path))
    assert services_of(app).store.backend == "tinydb"
    seed(services_of(app).store)
    yield app
    services_of(app).store.close()


def _vote(app: Flask, choice: str = "monday"):
    return app.test_client().post("/api/polls/p/vote", json={"choices": [choice]},
                                  headers=ORIGIN)


def test_disk_fault_is_503_and_recovers(tinydb_app, faulty, tmp_path) -> None:
    app = tinydb_app
    acknowledged = [_vote(app) for _ in range(3)]
    assert [r.status_code for r in acknowledged] == [200] * 3

    faulty.on = True
    refused = _vote(app, "wednesday")
    assert refused.status_code == 503
    error = refused.get_json()["error"]
    assert error["code"] == "store_unavailable"
    assert "try again" in error["message"]
    idea = app.test_client().post("/api/jams/j/ideas", json={"title": "Lost?", "body": ""},
                                  headers=ORIGIN)
    assert idea.status_code == 503
    assert idea.get_json()["error"]["code"] == "store_unavailable"
    assert faulty.hits >= 2
    # Reads keep working and show exactly what was acknowledged.
    assert services_of(app).store.tally("p").total == 3
    assert app.test_client().get("/api/health").status_code == 200

    faulty.on = False  # space returns
    assert _vote(app, "wednesday").status_code == 200
    store = services_of(app).store
    assert store.tally("p").total == 4
    assert store.tally("p").counts["wednesday"] == 1

    store.close()  # a restart sees exactly the acknowledged votes, nothing refused
    again = create_app(_settings(tmp_path))
    try:
        reopened = services_of(again).store
        assert reopened.tally("p").total == 4
        assert reopened.tally("p").counts == {"monday": 3, "wednesday": 1}
        assert [i.title for i in reopened.list_ideas("j")] == ["Seed idea"]
    finally:
        services_of(again).store.close()
