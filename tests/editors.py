"""An editor signed in through the real login form, as the admin and editor-API tests need."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from pollserver.ops.passwords import hash_password
from pollserver.store.base import Store

PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_editor(app: Flask, store: Store,
                   username: str = "editor") -> tuple[FlaskClient, dict[str, str]]:
    """Return a client signed in as a new editor and the CSRF header its JSON calls need.

    It goes through the login form (not a forged session) so the tests also prove the form.
    """
    store.put_admin(username, hash_password(PASSWORD))
    client = app.test_client()
    token = TOKEN_RE.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    login = client.post("/admin/login", data={"username": username, "password": PASSWORD,
                                              "csrf_token": token})
    assert login.status_code == 302
    token = TOKEN_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    return client, {"X-CSRF-Token": token}
