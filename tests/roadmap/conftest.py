"""Fixtures for roadmap tests: a jam with published ideas and a signed-in editor."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from pollserver.ops.passwords import hash_password
from tests.conftest import make_item

PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def jam(store):
    """Jam ``build-next`` with three published ideas (ids in ``jam.ideas``)."""
    store.sync_items([make_item("jam", id="build-next", title="What should we build next?")])
    ideas = [store.add_idea("build-next", title=title, body=f"{title}, please.", author=author,
                            voter_id=f"voter-{n}", moderation="published", at=AT)
             for n, (title, author) in enumerate([("Oat milk flat white", "Marta"),
                                                  ("Decaf that tastes of coffee", "Sam"),
                                                  ("A night market stall", None)])]
    return [i.id for i in ideas]


@pytest.fixture
def editor(app, store):
    """A signed-in editor's client and its CSRF header."""
    store.put_admin("editor", hash_password(PASSWORD))
    client = app.test_client()
    token = TOKEN_RE.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    login = client.post("/admin/login", data={"username": "editor", "password": PASSWORD,
                                              "csrf_token": token})
    assert login.status_code == 302
    token = TOKEN_RE.search(client.get("/admin/").get_data(as_text=True)).group(1)
    return client, {"X-CSRF-Token": token}
