"""The editor's side: add an endpoint in /admin/webhooks, close a jam, read the log."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from pollserver.domain.webhooks import FAILURE_WINDOW
from pollserver.webhooks.sender import WebhookSender
from tests.admin.conftest import EditorActions, password_hash
from tests.mail.helpers import AT, arrange
from tests.webhooks.conftest import verify


@pytest.fixture
def editor(client, store, clock) -> EditorActions:
    clock.now = AT
    store.put_admin("editor", password_hash())
    arrange(store)
    actions = EditorActions(client)
    assert actions.login().status_code == 302
    return actions


def test_editor_adds_a_webhook_closes_a_jam_and_sees_the_signed_delivery(
        editor, store, clock, receiver, monkeypatch):
    added = editor.post("/admin/webhooks", {"url": receiver.url,
                                            "events": ["jam.closed", "idea.won"]})
    assert added.status_code == 201
    page = added.get_data(as_text=True)
    [secret] = re.findall(r"whsec_[A-Za-z0-9+/=]+", page)
    [endpoint] = store.list_webhooks()
    assert endpoint.events == ("idea.won", "jam.closed") and endpoint.secret == secret
    listing = editor.client.get("/admin/webhooks").get_data(as_text=True)
    assert receiver.url in listing and secret not in listing  # shown once only

    assert editor.post("/admin/jams/j/close").status_code == 303
    run = WebhookSender(store=store, clock=clock, allow_private=True,
                        context=receiver.context)
    assert run.run_once() == 1
    [(headers, body)] = receiver.received
    assert verify(secret, headers, body, clock.now, monkeypatch)["type"] == "jam.closed"
    log = editor.client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "delivered" in log and ">204<" in log and "&#34;type&#34;:&#34;jam.closed&#34;" in log

    [delivery] = store.list_deliveries("webhook")
    assert editor.post(f"/admin/webhooks/{endpoint.id}/resend/{delivery.id}"
                       ).status_code == 303
    assert editor.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 303
    assert run.run_once() == 2
    assert [h["webhook-id"] for h, _ in receiver.received][:2] == [headers["webhook-id"]] * 2
    assert verify(secret, *receiver.received[2], clock.now, monkeypatch)["type"] == \
        "webhook.test"
    audit = {e.action for e in store.list_audit()}
    assert {"webhook.add", "webhook.resend", "webhook.test"} <= audit


def test_bad_input_is_a_readable_form_error(editor, store):
    no_https = editor.post("/admin/webhooks", {"url": "http://crm.example/h",
                                               "events": ["jam.closed"]})
    assert no_https.status_code == 400 and "https://" in no_https.get_data(as_text=True)
    no_events = editor.post("/admin/webhooks", {"url": "https://crm.example/h"})
    assert no_events.status_code == 400 and "Choose event types" in \
        no_events.get_data(as_text=True)
    assert store.list_webhooks() == []


def test_dashboard_tells_the_editor_when_an_endpoint_was_switched_off(editor, store, clock,
                                                                      receiver):
    editor.post("/admin/webhooks", {"url": receiver.url, "events": ["jam.closed"]})
    [endpoint] = store.list_webhooks()
    assert "Webhooks not delivering" not in editor.client.get("/admin/").get_data(as_text=True)
    editor.post("/admin/jams/j/close")
    receiver.answers = [500] * 20
    run = WebhookSender(store=store, clock=clock, allow_private=True,
                        context=receiver.context)
    while store.get_webhook(endpoint.id).enabled:
        run.run_once()
        [row] = store.list_deliveries("webhook")
        clock.now = max(row.next_attempt, clock.now + timedelta(minutes=1))
        assert clock.now - AT < FAILURE_WINDOW * 2
    editor.login()  # a day on, the 8-hour session has run out on the app's clock
    page = editor.client.get("/admin/").get_data(as_text=True)
    assert "Webhooks not delivering" in page and "switched off after a day" in page
    editor.post(f"/admin/webhooks/{endpoint.id}/switch", {"enabled": "1"})
    assert store.get_webhook(endpoint.id) == replace(endpoint, enabled=True)
    assert "Webhooks not delivering" not in editor.client.get("/admin/").get_data(as_text=True)


def test_editor_opts_an_endpoint_in_to_survey_comments_and_out_again(editor, store):
    added = editor.post("/admin/webhooks", {"url": "https://crm.example/h",
                                            "events": ["survey.answered"],
                                            "include_text": "1"})
    assert added.status_code == 201
    [endpoint] = store.list_webhooks()
    assert endpoint.include_text
    page = editor.client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "score, category and the comment" in page and "Stop sending survey comments" in page
    assert editor.post(f"/admin/webhooks/{endpoint.id}/text",
                       {"include_text": "0"}).status_code == 303
    assert not store.get_webhook(endpoint.id).include_text
    page = editor.client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "score and category only" in page and "Send survey comments too" in page
    assert store.list_audit()[0].action == "webhook.text_off"
    assert editor.post("/admin/webhooks/nope/text", {"include_text": "1"}).status_code == 404
