"""``migrate`` carries the second stage too: follows, events, deliveries, feed tokens, webhook
endpoints and their log, status history, editor sessions and API tokens, into PostgreSQL and
back into an embedded data dir, and each copy behaves as the source did (same feed, the
follower hears of the next change, the endpoint signs with its old secret, a pending retry is
still due)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from pollserver.actions import follows
from pollserver.actions.follows import updates_for
from pollserver.domain.errors import Conflict
from pollserver.domain.outbox import CONFIRM, MAIL
from pollserver.domain.publish import PUBLISH
from pollserver.domain.tokens import ApiToken, hash_token
from pollserver.domain.webhooks import WEBHOOK
from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.store.base import Store
from pollserver.store.memory import MemoryStore
from pollserver.store.migrate import COMPARED, MigrationError, migrate, migrate_to_dir, tables_of
from pollserver.webhooks.sender import WebhookSender
from tests.ci import require_module
from tests.mail import conftest as mail_fixtures
from tests.mail.helpers import AT, Clock, arrange, follow_confirmed, mark_planned, sender
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import Receiver, verify

psycopg = require_module("psycopg")
tinydb = require_module("pollserver.store.tinydb")


pytestmark = pytest.mark.postgres

# The real SMTP server and HTTPS receiver of the mail and webhook tests.
smtp_server = mail_fixtures.smtp_server
certificate_authority = webhook_fixtures.certificate_authority
receiver = webhook_fixtures.receiver

FOLLOWER, PENDING = "ann@example.org", "bob@example.org"
EDITOR_SESSION = "f" * 64


def fill(store: Store, smtp_url: str, hook: Receiver, clock: Clock) -> tuple[str, str]:
    """Every kind of second-stage row; return ``(idea id, endpoint secret)``."""
    idea = arrange(store)
    store.vote_idea("j", idea, "reader", budget=3, at=AT)  # the reader's feed shows the idea
    assert store.feed_token("reader", "feed-token-1") == "feed-token-1"
    follow_confirmed(store, FOLLOWER, "idea", idea)
    endpoint = hooks.add(store, "ed", hook.url, "idea.status_changed", at=AT)
    follows.request(store, "idea", idea, PENDING, voter_id=None, at=AT)  # unconfirmed
    mark_planned(store, idea)
    assert sender(store, smtp_url, clock).run_once() == 3  # two confirmations, ann's mail
    hook.answers = [500]
    assert _webhooks(store, hook, clock).run_once() == 0  # logged, to be retried
    store.add_editor_session(EDITOR_SESSION, "ed", at=AT)
    store.add_token(ApiToken("bot", hash_token("vht_bot"), AT, "cli"))
    return idea, endpoint.secret


def _webhooks(store: Store, hook: Receiver, clock: Clock) -> WebhookSender:
    return WebhookSender(store=store, clock=clock, allow_private=True, context=hook.context)


def seen(store: Store, idea: str) -> dict[str, object]:
    """What the copies must agree on, through the public interface."""
    [endpoint] = store.list_webhooks()
    return {
        "feed": [(e.id, e.type, e.data) for e in updates_for(store, "reader")],
        "feed_voter": store.feed_voter("feed-token-1"),
        "deliveries": sorted((d.consumer, d.status, d.attempts, d.next_attempt, d.last_error)
                             for d in store.list_deliveries()),
        "endpoint": endpoint,
        "attempts": [(a.delivery_id, a.status, a.error, a.body)
                     for a in store.list_attempts(endpoint.id)],
        "history": store.status_history(idea),
        "session": store.editor_session(EDITOR_SESSION),
        "token": store.find_token(hash_token("vht_bot")),
        "tokens": store.list_tokens(),
    }


def _behaves(copy: Store, idea: str, secret: str, smtp: tuple[str, object], hook: Receiver,
             monkeypatch: pytest.MonkeyPatch) -> None:
    """The follower hears of the next change, the pending retry goes out signed."""
    url, inbox = smtp
    before = len(inbox.messages)  # type: ignore[attr-defined]
    clock = Clock(AT + timedelta(seconds=6))
    editor.set_status(copy, "ed", idea, "done", note="Shipped", at=clock.now)
    assert sender(copy, url, clock).run_once() == 1  # the new change only, nothing resent
    [mail] = inbox.messages[before:]  # type: ignore[attr-defined]
    assert mail["To"] == FOLLOWER and "is now Done" in str(mail["Subject"])
    hook.received.clear()
    assert _webhooks(copy, hook, clock).run_once() == 2  # the retry and the new change
    statuses = []
    for headers, body in hook.received:
        statuses.append(verify(secret, headers, body, clock.now, monkeypatch)["data"]["status"])
    assert sorted(statuses) == ["done", "planned"]


@pytest.mark.parametrize("kind", ["memory", "tinydb"])
def test_second_stage_survives_a_round_trip(kind: str, tmp_path: Path, new_pg, smtp_server,
                                            receiver, monkeypatch) -> None:
    url, _ = smtp_server
    source: Store = MemoryStore() if kind == "memory" else tinydb.TinyDBStore(tmp_path / "a")
    idea, secret = fill(source, url, receiver, Clock())
    # Third-stage tables: a share token, a friend's credit, a verified customer's mark.
    source.share_token("sharer", token="A" * 16, client="c1")
    assert source.credit_share("sharer", "newcomer", at=Clock().now, reward_cap=3)
    source.mark_verified("reader", "f" * 64, Clock().now)
    if kind == "tinydb":  # what a restart sees, as the CLI opens it
        source.close()
        source = tinydb.TinyDBStore(tmp_path / "a")
    expected = seen(source, idea)
    assert expected["feed"] and expected["feed_voter"] == "reader"
    consumers = {(c, s) for c, s, *_ in expected["deliveries"]}  # type: ignore[attr-defined]
    assert consumers == {(MAIL, "sent"), (CONFIRM, "sent"), (WEBHOOK, "pending"),
                         (PUBLISH, "pending")}
    tables = tables_of(source)
    assert all(tables.get(name) for name in COMPARED if name != "webhook_attempts") \
        and len(tables["webhook_attempts"]) == 1

    pg = new_pg()
    counts = migrate(source, pg)
    assert counts["follows"] == 2 and counts["events"] == len(tables["events"])
    assert seen(pg, idea) == expected
    assert pg.get_follow(next(iter(tables["follows"].values()))["id"]) is not None

    back = tmp_path / "b"
    counts = migrate_to_dir(pg, back, tinydb.TinyDBStore)
    assert counts["webhooks"] == 1 and counts["feed_tokens"] == 1
    copy = tinydb.TinyDBStore(back)
    try:
        assert seen(copy, idea) == expected
        _behaves(copy, idea, secret, smtp_server, receiver, monkeypatch)
    finally:
        copy.close()
    _behaves(pg, idea, secret, smtp_server, receiver, monkeypatch)
    source.close()


def test_pending_follow_stays_unconfirmed_and_is_not_mailed(tmp_path: Path, new_pg,
                                                             smtp_server, receiver) -> None:
    url, inbox = smtp_server
    source = MemoryStore()
    idea, _ = fill(source, url, receiver, Clock())
    pg = new_pg()
    migrate(source, pg)
    pending = [f for f in tables_of(pg)["follows"].values() if f["email"] == PENDING]
    assert [f["confirmed_at"] for f in pending] == [None]
    editor.set_status(pg, "ed", idea, "done", at=AT + timedelta(minutes=1))
    before = len(inbox.messages)
    sender(pg, url, Clock(AT + timedelta(minutes=1))).run_once()
    assert {m["To"] for m in inbox.messages[before:]} == {FOLLOWER}


def test_an_embedded_target_must_be_empty(tmp_path: Path, new_pg) -> None:
    full = tinydb.TinyDBStore(tmp_path / "full")
    full.put_admin("someone", "hash")
    full.close()
    source = new_pg()
    source.put_admin("editor", "hash")
    with pytest.raises(Conflict, match="not empty"):
        migrate_to_dir(source, tmp_path / "full", tinydb.TinyDBStore)
    reopened = tinydb.TinyDBStore(tmp_path / "full")
    assert reopened.get_admin("editor") is None and reopened.get_admin("someone") == "hash"
    reopened.close()


def test_verify_names_the_table_that_differs(new_pg, monkeypatch) -> None:
    source, target = MemoryStore(), new_pg()
    arrange(source)
    follow_confirmed(source, FOLLOWER, "idea", "1")
    from pollserver.store.postgres import transfer_outbox

    real = transfer_outbox.export_outbox

    def lossy(cur):  # a copy that lost its follows
        tables = real(cur)
        tables["follows"] = {}
        return tables

    monkeypatch.setattr(transfer_outbox, "export_outbox", lossy)
    monkeypatch.setattr("pollserver.store.postgres.transfer.export_outbox", lossy)
    with pytest.raises(MigrationError, match="table follows: 0 rows after the copy, 1 before"):
        migrate(source, target)


def test_cli_copies_there_and_back(tmp_path: Path, pg_url: str, smtp_server,
                                   receiver) -> None:
    from click.testing import CliRunner

    from pollserver.cli import main

    url, _ = smtp_server
    source = tinydb.TinyDBStore(tmp_path / "var")
    idea, _ = fill(source, url, receiver, Clock())
    expected = seen(source, idea)
    source.close()
    schema = f"vh_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    target = f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"
    try:
        runner = CliRunner()
        there = runner.invoke(main, ["migrate", "--from", str(tmp_path / "var"), "--to", target])
        assert there.exit_code == 0, there.output
        assert "2 follows" in there.output and "1 webhooks" in there.output
        back = runner.invoke(main, ["migrate", "--from", target, "--to", str(tmp_path / "b")])
        assert back.exit_code == 0, back.output
        again = runner.invoke(main, ["migrate", "--from", target, "--to", str(tmp_path / "b")])
        assert again.exit_code != 0 and "not empty" in again.output
        neither = runner.invoke(main, ["migrate", "--from", str(tmp_path / "var"),
                                       "--to", str(tmp_path / "c")])
        assert neither.exit_code != 0 and "postgresql://" in neither.output
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    copy = tinydb.TinyDBStore(tmp_path / "b")
    try:
        assert seen(copy, idea) == expected
    finally:
        copy.close()


def test_attempt_numbers_stay_unique_after_a_round_trip(tmp_path: Path, new_pg) -> None:
    from pollserver.domain.webhooks import Attempt, Endpoint

    def attempt(endpoint_id: str) -> Attempt:
        return Attempt(endpoint_id=endpoint_id, delivery_id="1", event_id="e",
                       event_type="idea.won", at=AT, ok=True, status=204, duration_ms=3,
                       error="", body="{}")

    source = new_pg()
    for name in ("gone", "kept"):
        source.add_webhook(Endpoint(id=name, url=f"https://h.example/{name}",
                                    secret="whsec_c2VjcmV0", events=("idea.won",),
                                    created_at=AT))
    source.record_attempt(attempt("gone"))
    source.record_attempt(attempt("kept"))
    source.delete_webhook("gone")  # leaves attempt 2 alone: a gap before it
    migrate_to_dir(source, tmp_path / "b", tinydb.TinyDBStore)
    copy = tinydb.TinyDBStore(tmp_path / "b")
    copy.record_attempt(attempt("kept"))
    assert len(copy.list_attempts("kept")) == 2
    again = new_pg()
    migrate(copy, again)  # a duplicate attempt id would make this fail
    assert len(again.list_attempts("kept")) == 2
    copy.close()
