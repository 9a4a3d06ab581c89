"""Erase leaves nothing behind (issue 24 item 7), on every store.

A voter votes, writes an idea, follows it by mail (the confirmation is written to
``var/mail/`` and confirmed, then a status mail follows) and has the idea delivered to a
webhook; after ``DELETE /api/me`` no file under the data dir and no row of any PostgreSQL
table in the test schema holds the voter id, the address, or any text the voter wrote.
Before the fix the webhook log kept the title, the follow request's event kept the link's
token, ``.eml`` files kept the address and the limits file kept the voter id.
"""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import Flask

from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.editor.ideas import edit_idea
from pollserver.mail.service import build_sender
from pollserver.web.context import services_of
from pollserver.webhooks.sender import WebhookSender
from tests.conftest import ORIGIN, Clock, make_item
from tests.instant import TEST_NOW
from tests.mail.helpers import confirm_link
from tests.security import stores
from tests.webhooks.conftest import Receiver

ADDRESS = "zelda.quinn+hub@example.org"
TITLE = "Quokka-lanterns-for-everyone"
BODY = "Tangerine-scaffold-ninety"
AUTHOR = "Zelda Quokkaperson"


def _settings_app(backend: str, tmp_path: Path) -> tuple[Flask, str | None]:
    from pollserver import create_app

    settings, schema = stores.make_settings(backend, tmp_path, rate_limits="on", proof="off")
    app = create_app(settings)
    services_of(app).clock = Clock()
    return app, schema


def _rows(schema: str) -> str:
    import psycopg

    with psycopg.connect(stores.DATABASE_URL, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,))]
        assert "webhook_attempts" in tables and "events" in tables
        return "\n".join(str(row) for table in tables
                         for row in conn.execute(f'SELECT t::text FROM {schema}."{table}" t'))


def _take_part(app: Flask, receiver: Receiver) -> str:
    store = services_of(app).store
    store.sync_items([make_item("poll", id="p", question="Which?", options=["Yes", "No"]),
                      make_item("jam", id="j", title="Ideas", votes_per_person=3)])
    hooks.add(store, "ed", receiver.url, "idea.created,idea.status_changed", at=TEST_NOW,
              include_text=True)
    client = app.test_client()

    def post(path: str, body: dict) -> int:
        return client.post(path, json=body, headers={"Origin": ORIGIN}).status_code

    assert post("/api/polls/p/vote", {"choices": ["yes"]}) == 200
    idea = client.post("/api/jams/j/ideas", json={"title": TITLE, "body": BODY,
                                                    "author": AUTHOR},
                       headers={"Origin": ORIGIN})
    assert idea.status_code == 201
    idea_id = idea.get_json()["id"]
    assert post(f"/api/jams/j/ideas/{idea_id}/vote", {}) == 200
    assert post("/api/follows", {"kind": "idea", "id": idea_id, "jam": "j",
                                 "email": ADDRESS}) == 202
    mailer = build_sender(app)
    assert mailer.run_once() == 1
    [letter] = (services_of(app).settings.data_dir / "mail").glob("*.eml")
    link = confirm_link(message_from_bytes(letter.read_bytes(), policy=policy.default))
    token = link.rsplit("/", 1)[-1]
    assert client.post("/api/follows/confirm", json={"token": token},
                       headers={"Origin": ORIGIN}).status_code in (200, 201)
    editor.set_status(store, "ed", idea_id, "planned", at=TEST_NOW, note="Soon")
    # An editor's typo fix keeps the author's words before and after it in the audit log.
    edit_idea(store, "ed", "j", idea_id, title=TITLE + " (fixed)", body=BODY + " fixed",
              at=TEST_NOW)
    services_of(app).clock.now = TEST_NOW + timedelta(minutes=5)
    assert mailer.run_once() >= 1  # the status mail to the follower
    webhooks = WebhookSender(store=store, clock=lambda: TEST_NOW + timedelta(minutes=5),
                             allow_private=True, context=receiver.context)
    assert webhooks.run_once() == 2 and len(receiver.received) == 2
    voter = client.get("/api/me").get_json()["voter_id"]
    assert client.delete("/api/me", headers={"Origin": ORIGIN}).status_code == 200
    return voter


def _secrets(voter: str) -> list[str]:
    return [voter, ADDRESS, ADDRESS.split("+")[0], TITLE, BODY, AUTHOR]


def _check(app: Flask, receiver: Receiver, schema: str | None) -> None:
    voter = _take_part(app, receiver)
    services_of(app).store.close()
    data_dir = services_of(app).settings.data_dir
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes().lower()
        for secret in _secrets(voter):
            assert secret.lower().encode() not in data, (path.name, secret)
    if schema:
        rows = _rows(schema).lower()
        for secret in _secrets(voter):
            assert secret.lower() not in rows, secret


def test_erase_leaves_nothing_tinydb(tmp_path: Path, receiver: Receiver) -> None:
    app, _ = _settings_app("tinydb", tmp_path)
    _check(app, receiver, None)


def test_erase_leaves_nothing_memory(tmp_path: Path, receiver: Receiver) -> None:
    app, _ = _settings_app("memory", tmp_path)
    _check(app, receiver, None)


def test_erase_leaves_nothing_postgres(tmp_path: Path, receiver: Receiver) -> None:
    app, schema = _settings_app("postgres", tmp_path)
    try:
        _check(app, receiver, schema)
    finally:
        if schema:
            stores._drop(schema)
