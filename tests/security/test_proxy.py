"""The client IP comes from X-Forwarded-For only behind configured trusted proxies.

If the header were believed without a proxy in front, anyone could dodge the per-IP limit by
inventing a new address per request (and a new voter cookie per request dodges the per-voter
limit), so these tests do exactly that and expect to be limited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.domain.voters import hash_ip
from pollserver.web.context import services_of
from pollserver.web.identity import client_ip_hash
from tests.instant import TEST_NOW
from tests.security.conftest import seed

SECRET = "proxy-test-secret"


def _app(tmp_path, trusted_proxies: int, limits: str = "3/minute") -> Flask:
    settings = Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits=limits,
                        secret_key=SECRET, trusted_proxies=trusted_proxies,
                        extra={"store": "memory"},
                        # The per-IP group limit is under test here; the stricter first-write
                        # and new-voter limits (test_first_write.py) would refuse sooner.
                        first_write_burst=1000, new_voters="1000/minute")
    app = create_app(settings)
    services_of(app).clock = lambda: TEST_NOW  # the day whose key hashes IPs
    # A probe route, added before the first request, that shows which IP the app hashed.
    app.add_url_rule("/_test/ip", "test_ip", lambda: client_ip_hash())
    seed(services_of(app).store)
    return app


@pytest.fixture
def make_app(tmp_path):
    apps: list[Flask] = []

    def make(trusted_proxies: int, limits: str = "3/minute") -> Flask:
        app = _app(tmp_path / str(len(apps)), trusted_proxies, limits)
        apps.append(app)
        return app

    yield make
    for app in apps:
        services_of(app).store.close()


def _today(ip: str) -> str:
    return hash_ip(SECRET, ip, TEST_NOW.date())


def _vote_as_stranger(app: Flask, forwarded: str):
    """Vote from a brand-new browser (no cookie) claiming to be ``forwarded``."""
    return app.test_client().post(
        "/api/polls/p/vote", json={"choices": ["monday"]},
        headers={"Origin": "http://localhost", "X-Forwarded-For": forwarded})


def test_forwarded_for_is_ignored_without_trusted_proxies(make_app) -> None:
    app = make_app(0)
    probe = app.test_client().get("/_test/ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert probe.get_data(as_text=True) == _today("127.0.0.1")


def test_spoofed_forwarded_for_cannot_dodge_the_ip_limit(make_app) -> None:
    app = make_app(0)
    statuses = [_vote_as_stranger(app, f"198.51.100.{i}").status_code for i in range(1, 6)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = _vote_as_stranger(app, "192.0.2.250")
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_one_trusted_proxy_uses_the_rightmost_hop(make_app) -> None:
    app = make_app(1)
    probe = app.test_client().get(
        "/_test/ip", headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.5"})
    assert probe.get_data(as_text=True) == _today("203.0.113.5")


def test_behind_a_proxy_the_spoofable_left_part_cannot_dodge_the_limit(make_app) -> None:
    app = make_app(1)
    # The client prepends invented hops; our proxy appends the real address it saw.
    statuses = [_vote_as_stranger(app, f"198.51.100.{i}, 203.0.113.5").status_code
                for i in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    # A different real client behind the same proxy has its own budget.
    assert _vote_as_stranger(app, "203.0.113.6").status_code == 200


def test_two_trusted_proxies_use_the_second_hop_from_the_right(make_app) -> None:
    app = make_app(2)
    probe = app.test_client().get(
        "/_test/ip", headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.8, 10.0.0.2"})
    assert probe.get_data(as_text=True) == _today("203.0.113.8")


def test_ip_hash_is_stable_within_a_day_and_changes_across_days() -> None:
    day = date(2026, 3, 14)
    assert hash_ip(SECRET, "203.0.113.77", day) == hash_ip(SECRET, "203.0.113.77", day)
    hashes = {hash_ip(SECRET, "203.0.113.77", day + timedelta(days=n)) for n in range(30)}
    assert len(hashes) == 30
    assert hash_ip(SECRET, "203.0.113.77", day) != hash_ip(SECRET, "203.0.113.78", day)
    assert hash_ip(SECRET, "203.0.113.77", day) != hash_ip("other", "203.0.113.77", day)
    assert "203.0.113.77" not in hash_ip(SECRET, "203.0.113.77", day)


def test_client_ip_hash_follows_the_calendar_day(make_app) -> None:
    app = make_app(0)
    days = iter([datetime(2026, 1, 1, 23, 59, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
                 datetime(2026, 1, 2, 0, 0, tzinfo=UTC)])
    services_of(app).clock = lambda: next(days)  # the app's clock decides the day
    client = app.test_client()
    first, same_day, next_day = (client.get("/_test/ip").get_data(as_text=True)
                                 for _ in range(3))
    assert first == same_day != next_day
    assert first == hash_ip(SECRET, "127.0.0.1", date(2026, 1, 1))
