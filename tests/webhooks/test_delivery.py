"""Webhooks end to end: an event, the sender, a real HTTPS receiver, the spec's verifier."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import standardwebhooks

from pollserver.domain.webhooks import WEBHOOK
from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.store.memory import MemoryStore
from pollserver.webhooks.sender import WebhookSender
from tests.mail.helpers import AT, Clock, arrange
from tests.webhooks.conftest import Receiver, verify


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    arrange(store)
    return store


def sender(store, receiver: Receiver, clock: Clock, **kw) -> WebhookSender:
    # Tests reach the loopback receiver, so private addresses are allowed here.
    return WebhookSender(store=store, clock=clock, allow_private=True,
                         context=receiver.context, **kw)


def test_a_closed_jam_reaches_the_receiver_signed(store, receiver, monkeypatch):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, "jam.closed,idea.won", at=AT)
    assert endpoint.secret.startswith("whsec_")
    editor.close_early(store, "ed", "j", at=AT)
    clock.now = AT + timedelta(seconds=3)
    assert sender(store, receiver, clock).run_once() == 1
    [(headers, body)] = receiver.received
    got = verify(endpoint.secret, headers, body, clock.now, monkeypatch)
    assert got == {"type": "jam.closed", "timestamp": AT.isoformat(),
                   "data": {"id": "j", "title": "Better app", "winners": [],
                            "url": "/jams/j"}}
    assert headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    # A wrong secret does not verify; a body changed in transit does not either.
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        verify("whsec_" + "A" * 32, headers, body, clock.now, monkeypatch)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        verify(endpoint.secret, headers, body.replace(b"Better", b"Worse"), clock.now,
               monkeypatch)
    [attempt] = store.list_attempts(endpoint.id)
    assert attempt.ok and attempt.status == 204 and json.loads(attempt.body)["type"] == \
        "jam.closed"
    assert sender(store, receiver, clock).run_once() == 0  # nothing twice


def test_links_are_full_addresses_on_the_sites_origin(store, receiver, monkeypatch):
    clock = Clock(AT + timedelta(seconds=3))
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    assert sender(store, receiver, clock, origin="https://hub.example/").run_once() == 1
    [(headers, body)] = receiver.received
    got = verify(endpoint.secret, headers, body, clock.now, monkeypatch)
    assert got["data"]["url"] == "https://hub.example/jams/j"


def test_retries_after_500_and_timeout_with_the_same_id(store, receiver, monkeypatch):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    receiver.answers = [500, "hang", 200]
    run = sender(store, receiver, clock, timeout=0.5)
    assert run.run_once() == 0  # 500
    assert run.run_once() == 0  # not due yet: nothing sent
    assert len(receiver.received) == 1
    clock.now = AT + timedelta(seconds=5)  # README's first retry
    assert run.run_once() == 0  # times out
    clock.now += timedelta(minutes=5)  # and its second
    assert run.run_once() == 1
    ids = {h["webhook-id"] for h, _ in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1
    for headers, body in receiver.received[2:]:
        verify(endpoint.secret, headers, body, clock.now, monkeypatch)
    log = store.list_attempts(endpoint.id)
    assert [a.status for a in log] == [200, 0, 500]
    assert "timed out" in log[1].error.lower() and log[2].error == "HTTP 500"
    [row] = store.list_deliveries(WEBHOOK)
    assert row.status == "sent"


def test_a_day_of_failures_disables_the_endpoint(store, receiver):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    receiver.answers = [503] * 20
    run = sender(store, receiver, clock)
    tries = 0
    while store.get_webhook(endpoint.id).enabled:
        run.run_once()
        tries += 1
        [row] = store.list_deliveries(WEBHOOK)
        if row.status != "pending":
            break
        clock.now = row.next_attempt
        assert tries < 20
    off = store.get_webhook(endpoint.id)
    assert not off.enabled and "failing since" in off.disabled_reason
    assert clock.now - AT >= timedelta(days=1)  # README: failing after a day
    assert store.list_deliveries(WEBHOOK)[0].status == "failed"
    # New events do not queue for it; switching it on again does.
    hooks.switch(store, "ed", endpoint.id, enabled=True, at=clock.now)
    assert store.get_webhook(endpoint.id).failing_since is None


def test_send_again_and_test_event(store, receiver, monkeypatch):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    run = sender(store, receiver, clock)
    assert run.run_once() == 1
    [row] = store.list_deliveries(WEBHOOK)
    hooks.send_again(store, "ed", row.id, at=AT)
    hooks.send_test(store, "ed", endpoint.id, at=AT)
    assert run.run_once() == 2
    first, again, test = receiver.received
    assert first[0]["webhook-id"] == again[0]["webhook-id"]
    got = verify(endpoint.secret, test[0], test[1], clock.now, monkeypatch)
    assert got["type"] == "webhook.test"


def test_redirects_are_not_followed(store, receiver):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    receiver.answers = [302]
    assert sender(store, receiver, clock).run_once() == 0
    [attempt] = store.list_attempts(endpoint.id)
    assert attempt.status == 302 and "redirects are not followed" in attempt.error
    assert len(receiver.received) == 1


def test_loopback_is_refused_without_allow_private(store, receiver):
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    run = WebhookSender(store=store, clock=clock, context=receiver.context)
    assert run.run_once() == 0
    assert receiver.received == []
    [attempt] = store.list_attempts(endpoint.id)
    assert attempt.status == 0 and attempt.error.startswith("refused:")


def test_a_pool_under_ten_percent_tells_the_endpoint_once(store, receiver, monkeypatch):
    from pollserver.actions.rewards import claim_reward

    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["reward.pool_low"], at=AT)
    store.add_codes("spring", [f"C{n:02}" for n in range(20)])
    for n in range(19):
        assert claim_reward(store, "spring", f"voter{n}", at=AT) is not None
    assert claim_reward(store, "spring", "voter0", at=AT) is not None  # a repeat: no event
    assert sender(store, receiver, clock).run_once() == 1
    [(headers, body)] = receiver.received
    got = verify(endpoint.secret, headers, body, clock.now, monkeypatch)
    # 20 codes: the 19th claim leaves 1 (5 %), the first time under 10 % (2 left is 10 %).
    assert got["data"] == {"pool": "spring", "left": 1, "total": 20}
    assert "voter" not in body.decode()


def test_one_unsendable_row_is_marked_failed_and_the_others_go_out(store, receiver, caplog):
    """Poison-message isolation: deliveries that cannot even be signed (an endpoint whose
    stored secret is broken) fail alone; the deliveries after them reach the receiver."""
    import logging

    from pollserver.domain.webhooks import Endpoint

    clock = Clock(AT + timedelta(seconds=3))
    store.add_webhook(Endpoint(id="broken", url=receiver.url, secret="whsec_!!!not base64",
                               events=("jam.closed",), created_at=AT))
    good = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    editor.reopen(store, "ed", "j", at=AT)
    editor.close_early(store, "ed", "j", at=AT + timedelta(seconds=1))
    run = sender(store, receiver, clock)
    with caplog.at_level(logging.ERROR, logger="pollserver"):
        assert run.run_once() == 2
    assert len(receiver.received) == 2
    rows = sorted((d.recipient, d.status, d.last_error or "")
                  for d in store.list_deliveries(WEBHOOK))
    assert rows == sorted([("broken", "failed", "cannot be sent: Error")] * 2
                          + [(good.id, "sent", "")] * 2)
    assert "cannot be sent" in caplog.text
    assert run.run_once() == 0
