"""Cross-site requests never change anything: the Origin check is the public CSRF defence.

The endpoints are read from ``app.url_map``, so an endpoint added later is covered without
touching this file. Admin endpoints rely on their CSRF token (and a session) instead, so they
may answer 401 or 403 ``csrf_failed``; no endpoint may ever answer 2xx or 3xx.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing.converters import AnyConverter

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from pollserver.web.editors import session_hash
from tests.instant import TEST_NOW
from tests.security.conftest import seed

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
#: The one route exempt from the origin check: RFC 8058 one-click unsubscribe, which mail
#: providers POST from their own servers. The unguessable id in its URL is its authorisation,
#: so without a real id it can only answer 410 and change nothing.
EXEMPT = {"/follows/unsubscribe/<follow_id>"}
ADMIN_CODES = {"csrf_failed", "unauthorized", "forbidden_origin"}


def _rules() -> list[tuple[str, str]]:
    """Return ``(rule, method)`` for every state-changing route (collected at import)."""
    settings = Settings(data_dir=Path(tempfile.gettempdir()) / "vh-origin-rules",
                        site_dir=None, rate_limits="off", secret_key="collect",
                        extra={"store": "memory"})
    app = create_app(settings)
    try:
        for rule in app.url_map.iter_rules():
            for name, converter in rule._converters.items():
                if isinstance(converter, AnyConverter):  # e.g. <any(close, reopen):action>
                    CHOICES[(rule.rule, name)] = sorted(converter.items)[0]
        return sorted((rule.rule, method) for rule in app.url_map.iter_rules()
                      for method in sorted(rule.methods or ()) if method in UNSAFE)
    finally:
        services_of(app).store.close()


#: ``(rule, variable) -> value`` for variables whose converter only accepts a few words.
CHOICES: dict[tuple[str, str], str] = {}
RULES = _rules()


def _fill(rule: str, ids: dict[str, str]) -> str:
    """Put real item ids into the rule's variables so only the origin can refuse it."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>",
                  lambda m: CHOICES.get((rule, m.group(1))) or ids.get(m.group(1), "x"), rule)


def _is_admin(path: str) -> bool:
    return path.startswith("/admin") or path.startswith("/api/admin")


@pytest.fixture
def seeded(app: Flask, store) -> dict[str, str]:
    """Seed items and sign the client in as an editor (the victim of a CSRF is signed in)."""
    return seed(store)


def _editor(client: FlaskClient) -> None:
    store = services_of(client.application).store
    store.add_editor_session(session_hash("a-session"), "editor", at=TEST_NOW)
    with client.session_transaction() as session:
        session.update(editor="editor", since=TEST_NOW.timestamp(), csrf="the-real-token",
                       sid="a-session")


def _state(store) -> Any:
    return (store.tally("p"), store.list_ideas("j"), store.list_responses("s"),
            store.list_audit())


def _assert_refused(response, path: str) -> None:
    assert not 200 <= response.status_code < 400, (path, response.status_code)
    if any(re.fullmatch(re.sub(r"<[^>]+>", "[^/]+", rule), path) for rule in EXEMPT):
        assert response.status_code == 410, (path, response.status_code)
        return
    if _is_admin(path):
        assert response.status_code in (401, 403), (path, response.status_code)
        text = response.get_data(as_text=True)
        assert any(code in text for code in ADMIN_CODES), (path, text[:300])
        return
    assert response.status_code == 403, (path, response.status_code)
    assert response.get_json()["error"]["code"] == "forbidden_origin"


def test_every_state_changing_route_is_covered() -> None:
    # Guards against the parametrisation silently collecting nothing.
    paths = {rule for rule, _ in RULES}
    assert "/api/polls/<poll_id>/vote" in paths and "/api/me" in paths
    assert EXEMPT <= paths


ATTACKS = {
    "foreign-origin": {"Origin": "https://evil.example"},
    "null-origin": {"Origin": "null"},
    "other-port": {"Origin": "http://localhost:8080"},
    "other-scheme": {"Origin": "https://localhost"},
    "sec-fetch-cross-site": {"Sec-Fetch-Site": "cross-site"},
    "sec-fetch-same-site": {"Sec-Fetch-Site": "same-site"},
    "foreign-origin-with-same-origin-fetch": {"Origin": "https://evil.example",
                                             "Sec-Fetch-Site": "same-origin"},
}


@pytest.mark.parametrize("rule,method", RULES)
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_cross_site_json_is_refused(client, store, seeded, rule, method, attack) -> None:
    _editor(client)
    path = _fill(rule, seeded)
    before = _state(store)
    response = client.open(path, method=method, headers=ATTACKS[attack],
                           json={"choices": ["monday"], "title": "Pwned idea", "score": 10})
    _assert_refused(response, path)
    assert _state(store) == before
    assert "vh_voter" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("rule,method", RULES)
def test_simple_form_csrf_is_refused(client, store, seeded, rule, method) -> None:
    # What an attacker's auto-submitting <form> sends from an old browser: no Origin, no
    # Sec-Fetch-Site, a form body, the victim's cookies.
    _editor(client)
    path = _fill(rule, seeded)
    before = _state(store)
    response = client.open(path, method=method,
                           data={"choices": "monday", "title": "Pwned idea", "score": "10",
                                 "confirm": "yes", "_method": "DELETE"})
    _assert_refused(response, path)
    assert _state(store) == before


@pytest.mark.parametrize("rule,method", RULES)
def test_cross_site_without_session_is_refused(app, store, seeded, rule, method) -> None:
    # A signed-out victim: nothing changes, and no admin form is kept to be resent later.
    client = app.test_client()
    path = _fill(rule, seeded)
    before = _state(store)
    response = client.open(path, method=method, headers={"Origin": "https://evil.example"},
                           data={"choices": "monday", "title": "Pwned", "confirm": "yes"})
    assert _state(store) == before
    _assert_refused(response, path)
    with client.session_transaction() as session:
        assert "kept" not in session  # nothing planted for the editor to resend after login


def test_same_origin_is_accepted(client, store, seeded) -> None:
    # The control: the very requests above succeed from our own pages.
    ok = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                     headers={"Origin": "http://localhost"})
    assert ok.status_code == 200
    fetch = client.post("/api/polls/p/vote", json={"choices": ["wednesday"]},
                        headers={"Sec-Fetch-Site": "same-origin"})
    assert fetch.status_code == 200
    assert store.tally("p").counts.get("wednesday") == 1


def test_public_origin_setting_is_accepted(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, site_dir=None, rate_limits="off", secret_key="k",
                        public_origin="https://hub.example", extra={"store": "memory"})
    app = create_app(settings)
    try:
        seed(services_of(app).store)
        client = app.test_client()
        assert client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                           headers={"Origin": "https://hub.example"}).status_code == 200
        assert client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                           headers={"Origin": "https://hub.example.evil.test"}
                           ).status_code == 403
    finally:
        services_of(app).store.close()


@pytest.mark.parametrize("path", ["/api/polls/%0D%0ASet-Cookie:x=1/vote",
                                  "/api/jams/%0D%0Ax/ideas",
                                  "/api/surveys/%0Ax/responses"])
def test_form_post_to_an_unknown_id_never_echoes_it_into_location(client, path) -> None:
    # Found by schemathesis: the 303 back to the article used to carry the raw id (500).
    response = client.post(path, data={"choices": "x", "title": "t", "score": "1"},
                           headers={"Origin": "http://localhost"})
    assert response.status_code in (303, 404), response.status_code
    assert "\n" not in response.headers.get("Location", "")
    assert "x=1" not in response.headers.get("Set-Cookie", "").split(";")[0]
