"""Admin fixtures: an editor account with a real argon2 hash and an ``EditorActions`` helper."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from flask.testing import FlaskClient

from pollserver.ops.passwords import hash_password

PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class EditorActions:
    """What an editor's browser does: sign in, post admin forms with the CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, path: str = "/admin/login") -> str:
        match = TOKEN_RE.search(self.client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username: str = "editor", password: str = PASSWORD, next: str = ""):
        data = {"username": username, "password": password, "csrf_token": self.token()}
        if next:
            data["next"] = next
        return self.client.post("/admin/login", data=data)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        data = {"csrf_token": self.token("/admin/"), **(data or {})}
        return self.client.post(path, data=data, **kwargs)

    def logout(self):
        return self.post("/admin/logout")


@cache
def password_hash() -> str:
    """Hash :data:`PASSWORD` once per run: argon2 is slow on purpose."""
    return hash_password(PASSWORD)


@pytest.fixture
def editor_account(store) -> str:
    """Create the editor ``editor`` with a real argon2 hash of :data:`PASSWORD`."""
    store.put_admin("editor", password_hash())
    return "editor"


@pytest.fixture
def editor(client, editor_account) -> EditorActions:
    """A signed-in editor."""
    actions = EditorActions(client)
    assert actions.login().status_code == 302
    return actions


@pytest.fixture
def anon(client) -> EditorActions:
    """Someone who has not signed in."""
    return EditorActions(client)
