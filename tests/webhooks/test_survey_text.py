"""``survey.answered``: the comment reaches endpoints that opted in and nobody else.

An answer goes in through the reader API; two real HTTPS endpoints chose the event, one with
"include free text". Both bodies verify with their own secret; only the opted-in one holds
``data.comment``. The comment is in no event, no feed, no mail, no audit entry and no
webhook log line, and once the voter erases their data a resend carries it no more.
"""

from __future__ import annotations

import json
import re
from email.message import EmailMessage

import pytest

from pollserver.domain.webhooks import WEBHOOK
from pollserver.editor import webhooks as hooks
from pollserver.mail.compose import MailContext
from pollserver.mail.sender import Sender
from pollserver.webhooks.sender import WebhookSender
from tests.conftest import make_item
from tests.webhooks.conftest import Receiver, verify

COMMENT = "The checkout page confused me"


class Outbox:
    """A mail transport that keeps what it is given."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, msg: EmailMessage) -> None:
        self.sent.append(msg)


@pytest.fixture
def hub(store, clock, receiver: Receiver):
    store.sync_items([make_item("survey", id="thanks", reward="codes")])
    store.add_codes("codes", ["C1", "C2"])
    quiet = hooks.add(store, "ed", receiver.url + "/plain", "survey.answered", at=clock.now)
    told = hooks.add(store, "ed", receiver.url + "/text", "survey.answered", at=clock.now,
                     include_text=True)
    return quiet, told


def _send(store, clock, receiver: Receiver) -> int:
    return WebhookSender(store=store, clock=clock, allow_private=True,
                         context=receiver.context).run_once()


def _bodies(receiver: Receiver, quiet, told, clock, monkeypatch) -> dict[str, dict]:
    """Each endpoint's verified body, by which endpoint got it."""
    got = {}
    for headers, body in receiver.received:
        endpoint = told if headers["path"].endswith("/text") else quiet
        got[endpoint.id] = verify(endpoint.secret, headers, body, clock.now, monkeypatch)
        if endpoint is quiet:
            assert COMMENT.encode() not in body
    return got


def test_only_the_opted_in_endpoint_gets_the_comment(hub, store, clock, voter, client,
                                                     receiver, monkeypatch):
    quiet, told = hub
    response = voter.post("/api/surveys/thanks/responses",
                          json={"score": 4, "comment": COMMENT})
    assert response.status_code == 201
    assert _send(store, clock, receiver) == 2
    got = _bodies(receiver, quiet, told, clock, monkeypatch)
    assert got[quiet.id]["data"] == {"id": "thanks", "score": 4, "category": "detractor"}
    assert got[told.id]["data"] == {"id": "thanks", "score": 4, "category": "detractor",
                                    "comment": COMMENT}
    assert got[told.id]["type"] == got[quiet.id]["type"] == "survey.answered"

    # Nowhere else: not in the event, the audit log, the webhook log, a mail or the feed.
    [answered] = store.list_events(types={"survey.answered"})
    assert COMMENT not in json.dumps(answered.data)
    assert all(COMMENT not in json.dumps(entry.details) for entry in store.list_audit())
    for endpoint in (quiet, told):
        [attempt] = store.list_attempts(endpoint.id)
        assert attempt.ok and COMMENT not in attempt.body
    assert {d.consumer for d in store.list_deliveries()
            if d.event_id == answered.id} == {WEBHOOK}
    mail = Outbox()
    Sender(store=store, transport=mail, clock=clock,
           ctx=MailContext(mail_from="hub@hub.example", base_url="https://hub.example")
           ).run_once()
    assert all(COMMENT not in m.as_string() for m in mail.sent)
    me = client.get("/me").get_data(as_text=True)
    [feed_url] = re.findall(r'href="(/me/updates/[^"]+\.atom)"', me)
    feed = client.get(feed_url)
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert "<entry>" in text  # the reward code is there ...
    assert COMMENT not in text  # ... the comment is not


def test_an_answer_without_a_comment_sends_an_empty_one(hub, store, clock, voter, receiver,
                                                        monkeypatch):
    quiet, told = hub
    assert voter.post("/api/surveys/thanks/responses", json={"score": 10}).status_code == 201
    assert _send(store, clock, receiver) == 2
    got = _bodies(receiver, quiet, told, clock, monkeypatch)
    assert got[told.id]["data"]["comment"] == "" and "comment" not in got[quiet.id]["data"]


def test_an_erased_voter_s_comment_is_not_sent_again(hub, store, clock, voter, receiver,
                                                    monkeypatch):
    quiet, told = hub
    voter.post("/api/surveys/thanks/responses", json={"score": 7, "comment": COMMENT})
    assert voter.delete("/api/me").status_code in (200, 204)
    [delivery] = [d for d in store.list_deliveries(WEBHOOK) if d.recipient == told.id]
    assert _send(store, clock, receiver) == 2
    got = _bodies(receiver, quiet, told, clock, monkeypatch)
    assert got[told.id]["data"]["comment"] == ""  # erased before it went out
    receiver.received.clear()
    hooks.send_again(store, "ed", delivery.id, at=clock.now)
    assert _send(store, clock, receiver) == 1
    assert COMMENT.encode() not in receiver.received[0][1]


def test_switching_include_text_is_audited_without_the_text(hub, store, clock):
    quiet, _ = hub
    changed = hooks.set_text(store, "ed", quiet.id, include_text=True, at=clock.now)
    assert changed.include_text and store.get_webhook(quiet.id).include_text
    assert store.list_audit()[0].action == "webhook.text_on"
