"""Security headers on every kind of response, HSTS only over HTTPS, and the cookie flags."""

from __future__ import annotations

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.security.conftest import seed

ORIGIN = "http://localhost"
PATHS = ("/api/health", "/api/polls/p", "/api/polls/missing", "/me", "/admin/login",
         "/no-such-page")


def _app(tmp_path, **overrides) -> Flask:
    settings = Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                        secret_key="headers", extra={"store": "memory"}, **overrides)
    app = create_app(settings)
    seed(services_of(app).store)
    return app


@pytest.fixture
def make_app(tmp_path):
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        app = _app(tmp_path / str(len(apps)), **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        services_of(app).store.close()


def _csp(value: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers(make_app, path) -> None:
    response = make_app().test_client().get(path)
    headers = response.headers
    csp = _csp(headers["Content-Security-Policy"])
    sources = [s for values in csp.values() for s in values]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert csp["frame-ancestors"] in (["'none'"], ["'self'"])
    assert csp["object-src"] == ["'none'"]
    assert "default-src" in csp and "*" not in sources
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin", "strict-origin",
                                          "strict-origin-when-cross-origin")
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored


def test_error_and_post_responses_have_the_headers(make_app) -> None:
    client = make_app().test_client()
    refused = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                          headers={"Origin": "https://evil.example"})
    ok = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                     headers={"Origin": ORIGIN})
    for response in (refused, ok):
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_https_on_sends_hsts_and_a_host_prefixed_secure_cookie(make_app) -> None:
    client = make_app(https="on").test_client()
    response = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    _assert_cookie(response.headers.getlist("Set-Cookie"), secure=True)


def test_forwarded_proto_https_counts_behind_a_trusted_proxy(make_app) -> None:
    client = make_app(trusted_proxies=1).test_client()
    headers = {"Origin": "https://localhost", "X-Forwarded-Proto": "https"}
    response = client.post("/api/polls/p/vote", json={"choices": ["monday"]}, headers=headers)
    assert response.status_code == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    _assert_cookie(response.headers.getlist("Set-Cookie"), secure=True)


def test_forwarded_proto_is_ignored_without_a_trusted_proxy(make_app) -> None:
    client = make_app().test_client()
    response = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                           headers={"Origin": ORIGIN, "X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    _assert_cookie(response.headers.getlist("Set-Cookie"), secure=False)


def test_plain_http_cookie_is_httponly_and_lax(make_app) -> None:
    client = make_app().test_client()
    assert "Set-Cookie" not in client.get("/api/polls/p").headers  # reading sets nothing
    response = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                           headers={"Origin": ORIGIN})
    _assert_cookie(response.headers.getlist("Set-Cookie"), secure=False)


def _assert_cookie(set_cookies: list[str], *, secure: bool) -> None:
    voter = [c for c in set_cookies if "vh_voter=" in c]
    assert len(voter) == 1, set_cookies
    name, _, rest = voter[0].partition("=")
    attrs = {a.strip().split("=")[0].lower(): a.strip() for a in rest.split(";")[1:]}
    assert "httponly" in attrs
    assert attrs["samesite"].lower() == "samesite=lax"
    assert attrs["path"] == "Path=/"
    assert "domain" not in attrs  # __Host- requires it, and a host-only cookie is tighter
    if secure:
        assert name == "__Host-vh_voter" and "secure" in attrs
    else:
        assert name == "vh_voter" and "secure" not in attrs
