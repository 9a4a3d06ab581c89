"""Redis going away never fails or stalls a request: rate limits fail open, loudly.

The app's limiter talks to the real Redis through a loopback TCP proxy the test cuts (refused
connections), stalls (accepted, never answered) and restores. Votes keep answering 200, the
log and ``/api/health`` say that limits are counted per process, and once Redis answers again
the limits are shared again without a restart.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.faults.tcp_proxy import TcpProxy
from tests.security.conftest import seed
from tests.security.test_redis_limits import REDIS_URL, redis_client

__all__ = ["redis_client"]

pytestmark = [pytest.mark.redis]

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def proxy(redis_client) -> Iterator[TcpProxy]:
    from urllib.parse import urlsplit

    parts = urlsplit(REDIS_URL)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 6379))
    yield proxy
    proxy.close()


@pytest.fixture
def app(tmp_path: Path, proxy: TcpProxy, redis_client) -> Iterator[Flask]:
    secret = secrets.token_urlsafe(16)
    db = REDIS_URL.rsplit("/", 1)[1] if REDIS_URL.count("/") > 2 else "0"
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=None, secret_key=secret,
                              rate_limits="100/minute", extra={"store": "memory"},
                              first_write_burst=100,  # each vote is a new voter here
                              redis_url=f"redis://127.0.0.1:{proxy.port}/{db}"))
    seed(services_of(app).store)
    yield app
    # Leave the shared Redis as it was: only this run's keys carry its per-run hashes.
    from pollserver.web.identity import client_ip_hash

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        ours = client_ip_hash()
    mine = [key for key in redis_client.scan_iter("*") if ours in key.decode()
            or any(voter in key.decode() for voter in app.config.get("TEST_VOTERS", ()))]
    if mine:
        redis_client.delete(*mine)


def _vote(app: Flask) -> int:
    client = app.test_client()  # a new voter each time
    response = client.post("/api/polls/p/vote", json={"choices": ["monday"]}, headers=ORIGIN)
    cookie = next((c for c in client._cookies.values() if c.key.endswith("vh_voter")), None)
    if cookie is not None:
        app.config.setdefault("TEST_VOTERS", []).append(cookie.value.rsplit(".", 1)[0])
    return response.status_code


def _health(app: Flask) -> dict:
    response = app.test_client().get("/api/health")
    assert response.status_code == 200, response.text
    return response.get_json()


def test_limits_fail_open_and_come_back(app: Flask, proxy: TcpProxy, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="pollserver.limits")
    limits = services_of(app).limits
    assert _vote(app) == 200
    assert _health(app)["status"] == "ok"
    assert proxy.accepted >= 1  # the limits really went through Redis

    proxy.cut()
    assert [_vote(app) for _ in range(5)] == [200] * 5
    assert "Redis unavailable" in caplog.text
    health = _health(app)
    assert health["status"] == "degraded"
    assert any("Redis" in w for w in health["warnings"])

    # A silent Redis (accepted, never answered) must not hold a request either: a vote that
    # would probe it finishes well before the client would give up.
    proxy.stall()
    limits.breaker.clock = lambda: float("inf")  # the retry pause is over: probe Redis now
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(_vote(app)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done == [200]

    proxy.restore()
    limits.breaker.clock = lambda: float("inf")
    caplog.clear()
    assert _vote(app) == 200
    assert "Redis answers again" in caplog.text
    assert _health(app) == {**_health(app), "status": "ok", "warnings": []}
