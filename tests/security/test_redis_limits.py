"""Rate limits are shared through Redis: two server processes count one voter's requests
together, so alternating between them gains nothing.

The keys are unique to this run (random secret key, hence IP hash, and random voter id);
only those keys are deleted afterwards, so a shared Redis is left as it was.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import UTC
from email.utils import parsedate_to_datetime

import pytest
import requests

from pollserver.domain.voters import hash_ip
from tests.conftest import need_service
from tests.security.conftest import ROOT, server_env, write_manifest

pytestmark = [pytest.mark.redis, pytest.mark.slow]

REDIS_URL = os.environ.get("POLLSERVER_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        need_service("Redis", f"{REDIS_URL} does not answer ({exc})")
    yield client
    client.close()


def test_two_processes_share_one_limit(tmp_path, start_server, redis_client) -> None:
    secret = secrets.token_urlsafe(16)
    env = server_env(tmp_path / "var", POLLSERVER_REDIS_URL=REDIS_URL,
                     POLLSERVER_RATE_LIMITS="5/minute", POLLSERVER_SECRET_KEY=secret)
    subprocess.run([sys.executable, "-m", "pollserver.cli", "sync", "--manifest",
                    str(write_manifest(tmp_path / "manifest.json"))],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    ours = ""
    browser = requests.Session()  # one voter: cookies on 127.0.0.1 go to both ports
    try:
        servers = [start_server(env), start_server(env)]
        assert servers[0].proc.pid != servers[1].proc.pid
        statuses = []
        for n in range(6):
            url = servers[n % 2].url
            response = browser.post(f"{url}/api/polls/p/vote",
                                    json={"choices": ["monday" if n % 2 else "wednesday"]},
                                    headers={"Origin": url})
            statuses.append(response.status_code)
            # The day whose key hashes our address is the server's (its Date header), not
            # one this test reads off the machine's clock.
            day = parsedate_to_datetime(response.headers["Date"]).astimezone(UTC).date()
            ours = hash_ip(secret, "127.0.0.1", day)
        assert statuses == [200, 200, 200, 200, 200, 429]
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response.headers["Retry-After"]) >= 1
        assert any(ours in key.decode() for key in redis_client.scan_iter("*"))
    finally:
        marks = [m for m in [ours] if m] + [_voter_of(c.value, secret) for c in browser.cookies
                          if c.name.endswith("vh_voter") and c.value]
        mine = [key for key in redis_client.scan_iter("*")
                if any(mark in key.decode() for mark in marks)]
        if mine:
            redis_client.delete(*mine)


def _voter_of(cookie: str, secret: str) -> str:
    """Return the voter id of a ``<id>.<signature>`` cookie (the secret is not needed)."""
    return cookie.rsplit(".", 1)[0]
