"""Editor API tokens: made, listed and revoked with ``pollserver tokens``, then used by a
script as ``Authorization: Bearer ...`` on the editor API (no CSRF token), audited under the
token's name; an unknown or revoked token gets a 401 JSON error."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from pollserver import create_app
from pollserver.cli import main
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.conftest import make_item
from tests.instant import TEST_NOW

JAM = "/api/admin/jams/build-next"


def _cli(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["tokens", *args],
                                env={"POLLSERVER_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def open_app(data_dir: Path) -> Iterator[Callable[[], Flask]]:
    """Open the pollserver on the TinyDB data dir the command line writes (a new process's
    view: each call reads the dir afresh)."""
    opened: list[Flask] = []

    def opener() -> Flask:
        for old in opened:
            services_of(old).store.close()
        app = create_app(Settings(data_dir=data_dir, site_dir=None, rate_limits="off",
                                  secret_key="test-secret"))
        services_of(app).clock = lambda: TEST_NOW
        store = services_of(app).store
        if not store.list_items("jam"):
            store.sync_items([make_item("jam", id="build-next", title="What next?")])
        opened.append(app)
        return app

    yield opener
    if opened:
        services_of(opened[-1]).store.close()


def test_add_list_revoke_and_use_a_token(data_dir, open_app):
    app = open_app()  # a running pollserver on the data dir: it sees what the CLI writes
    client = app.test_client()
    printed = _cli(data_dir, "add", "deploy-bot").splitlines()
    token = printed[-1]
    assert token.startswith("vht_") and len(token) > 40
    listing = _cli(data_dir, "list")
    assert listing.startswith("deploy-bot ") and token not in listing

    store = services_of(app).store
    assert token not in str(store.export_tables())  # only its hash is kept
    bearer = {"Authorization": f"Bearer {token}"}
    read = client.get(JAM, headers=bearer)
    assert read.status_code == 200 and read.get_json()["id"] == "build-next"
    # A state change with no CSRF token at all, and no cookie: the token is enough.
    closed = client.post(f"{JAM}/close", json={}, headers=bearer)
    assert closed.status_code == 200, closed.get_data(as_text=True)
    assert "set-cookie" not in {k.lower() for k in closed.headers.keys()}
    assert store.get_item("jam", "build-next").closed_at is not None
    assert [(e.actor, e.action) for e in store.list_audit() if e.action == "jam.close"] == [
        ("deploy-bot", "jam.close")]
    # With a (wrong) CSRF header too: the bearer token decides, the header is not needed.
    reopened = client.post(f"{JAM}/reopen", json={},
                           headers={**bearer, "X-CSRF-Token": "whatever"})
    assert reopened.status_code == 200
    assert store.list_audit()[0].actor == "deploy-bot"  # newest first

    assert _cli(data_dir, "revoke", "deploy-bot") == "token deploy-bot revoked\n"
    assert _cli(data_dir, "list") == ""
    refused = app.test_client().post(f"{JAM}/close", json={}, headers=bearer)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert store.get_item("jam", "build-next").closed_at is None
    actions = [(e.actor, e.action) for e in store.list_audit()]
    assert ("cli", "token.add") in actions and ("cli", "token.revoke") in actions


def test_unknown_or_malformed_tokens_get_401_json(app, store):
    store.sync_items([make_item("jam", id="build-next", title="What next?")])
    client = app.test_client()
    for value in ("Bearer vht_nope", "Bearer ", "bearer x"):
        response = client.post(f"{JAM}/close", json={}, headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert store.get_item("jam", "build-next").closed_at is None


def test_a_token_is_refused_on_admin_pages_and_taken_names_are_refused(data_dir):
    token = _cli(data_dir, "add", "bot").splitlines()[-1]
    again = CliRunner().invoke(main, ["tokens", "add", "bot"],
                               env={"POLLSERVER_DATA_DIR": str(data_dir)})
    assert again.exit_code != 0 and "exists" in again.output
    bad = CliRunner().invoke(main, ["tokens", "add", "no spaces"],
                             env={"POLLSERVER_DATA_DIR": str(data_dir)})
    assert bad.exit_code != 0
    missing = CliRunner().invoke(main, ["tokens", "revoke", "ghost"],
                                 env={"POLLSERVER_DATA_DIR": str(data_dir)})
    assert missing.exit_code != 0
    app = create_app(Settings(data_dir=data_dir, site_dir=None, rate_limits="off",
                              secret_key="test-secret"))
    try:
        page = app.test_client().get("/admin/", headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 302  # admin pages take a signed-in session only
    finally:
        services_of(app).store.close()


def test_the_readme_has_a_bearer_curl_example_for_every_editor_endpoint():
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Scripts: editor API tokens", 1)[1].split("\n### ", 1)[0]
    curls = [line for line in section.splitlines() if line.startswith("curl -H \"$T\"")]
    spec = json.loads((root / "pollserver/api/openapi.json").read_text(encoding="utf-8"))
    for path, item in spec["paths"].items():
        if not path.startswith("/api/admin"):
            continue
        pattern = re.compile(re.sub(r"\\\{[a-z_]+\\\}", "[^/ ]+", re.escape(path)) + r"(\s|$)")
        for method in ("get", "post", "delete"):
            if method in item:
                flag = "" if method == "get" else f"-X {method.upper()} "
                assert any(flag in c and pattern.search(c) for c in curls), (method, path)
                assert {"bearerToken": []} in item[method]["security"], (method, path)
