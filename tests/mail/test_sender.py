"""The sender against a real SMTP server: opt-in, one mail per event, digest, retries."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from pollserver.actions import follows
from pollserver.domain.errors import NotFound
from pollserver.editor import jams as editor
from pollserver.ops.closings import Closings
from pollserver.store.memory import MemoryStore
from tests.conftest import make_item
from tests.mail.conftest import html_of, text_of
from tests.mail.helpers import (
    AT,
    Clock,
    arrange,
    confirm_link,
    follow_confirmed,
    mark_planned,
    sender,
)


@pytest.fixture
def store():
    store = MemoryStore()
    store.idea_id = arrange(store)  # type: ignore[attr-defined]
    return store


def test_double_opt_in_then_one_mail_for_the_status_change(store, smtp_server):
    url, inbox = smtp_server
    clock = Clock()
    run = sender(store, url, clock)
    follows.request(store, "idea", store.idea_id, "ann@example.org", voter_id="v1", at=AT)
    assert run.run_once() == 1
    [confirmation] = inbox.messages
    assert confirmation["To"] == "ann@example.org"
    assert "List-Unsubscribe" not in confirmation  # nothing to unsubscribe from yet
    link = confirm_link(confirmation)
    assert link.startswith("https://hub.example/follows/confirm/")

    mark_planned(store, store.idea_id)  # not confirmed yet: no mail
    assert run.run_once() == 0 and len(inbox.messages) == 1

    follows.confirm(store, link.rsplit("/", 1)[1], at=AT)
    clock.now = AT + timedelta(minutes=1)
    editor.set_status(store, "editor", store.idea_id, "in-progress", note="Started today",
                      at=clock.now)
    assert run.run_once() == 1
    assert run.run_once() == 0  # nothing twice
    mail = inbox.messages[-1]
    assert mail["Subject"] == "Hub: \u201cDark mode\u201d is now In progress"
    assert "Started today" in text_of(mail) and "Started today" in html_of(mail)
    assert "https://hub.example/ideas/j/1" in text_of(mail)  # the idea's own page
    assert "because you asked" in text_of(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://hub.example/follows/unsubscribe/")
    # On the wire as it is: providers do not decode RFC 2047 words in this header.
    as_sent = mail.as_string(policy=mail.policy.clone(refold_source="none"))
    assert f"\nList-Unsubscribe: <{unsubscribe}>\n" in as_sent.replace("\r\n", "\n")
    assert mail["Message-ID"] and mail["Date"] and mail["From"] == "Hub <hub@hub.example>"
    # The earlier change, made before the confirmation, was never queued for this address.
    assert all("is now Planned" not in str(m["Subject"]) for m in inbox.messages)


def test_one_mail_per_event_per_follower(store, smtp_server):
    url, inbox = smtp_server
    run = sender(store, url, Clock())
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    follow_confirmed(store, "ann@example.org", "jam", "j")
    follow_confirmed(store, "bob@example.org", "jam", "j")
    follow_confirmed(store, "carl@example.org", "poll", "p")
    run.run_once()
    inbox.messages.clear(), inbox.envelopes.clear()
    mark_planned(store, store.idea_id)
    assert run.run_once() == 2
    assert sorted(r for _, rcpt in inbox.envelopes for r in rcpt) == ["ann@example.org",
                                                                       "bob@example.org"]
    assert len({m["Message-ID"] for m in inbox.messages}) == 2
    assert run.run_once() == 0


def test_no_mail_for_a_silent_change_or_a_refused_one(store, smtp_server):
    url, inbox = smtp_server
    run = sender(store, url, Clock())
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    run.run_once()
    sent = len(inbox.messages)
    mark_planned(store, store.idea_id, notify=False)
    with pytest.raises(NotFound):
        editor.set_status(store, "editor", "999", "done", at=AT)
    with pytest.raises(Exception):  # noqa: B017 - merging an idea into itself is refused
        editor.merge(store, "editor", store.idea_id, store.idea_id, at=AT)
    assert run.run_once() == 0 and len(inbox.messages) == sent


def test_unsubscribed_address_gets_nothing_more(store, smtp_server):
    url, inbox = smtp_server
    run = sender(store, url, Clock())
    follow = follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    run.run_once()
    mark_planned(store, store.idea_id)
    assert follows.unsubscribe(store, follow.id) == 1
    assert run.run_once() == 0
    assert [str(m["Subject"]) for m in inbox.messages] == [
        "Hub: please confirm: follow an idea in \u201cBetter app\u201d"]


def test_daily_digest_collects_a_days_events_into_one_mail(store, smtp_server):
    url, inbox = smtp_server
    clock = Clock(AT)  # 09:00
    run = sender(store, url, clock, digest="daily")
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    assert run.run_once() == 1  # confirmations never wait for the digest
    mark_planned(store, store.idea_id, at=AT)
    clock.now = AT + timedelta(hours=1)
    editor.set_status(store, "editor", store.idea_id, "done", note="Shipped", at=clock.now)
    clock.now = AT + timedelta(hours=3)
    assert run.run_once() == 0  # before the next 08:00
    clock.now = AT.replace(hour=8) + timedelta(days=1)
    assert run.run_once() == 1
    digest = inbox.messages[-1]
    assert digest["Subject"] == "2 updates from Hub"
    assert "is now Planned" in text_of(digest) and "Shipped" in text_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert run.run_once() == 0


def test_a_busy_server_is_retried_with_backoff_and_a_refusal_fails(store, smtp_server, caplog):
    url, inbox = smtp_server
    clock = Clock()
    run = sender(store, url, clock, max_attempts=3)
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    follow_confirmed(store, "bob@example.org", "jam", "j")
    run.run_once()
    inbox.messages.clear(), inbox.envelopes.clear()
    mark_planned(store, store.idea_id)
    inbox.refuse = ["451 try later", "550 no such user"]
    with caplog.at_level(logging.WARNING):
        assert run.run_once() == 0
    assert "example.org" not in caplog.text  # addresses never reach the log
    clock.now = AT + timedelta(seconds=59)
    assert run.run_once() == 0  # the 451 waits a minute
    clock.now = AT + timedelta(minutes=1)
    assert run.run_once() == 1
    assert len(inbox.messages) == 1
    statuses = sorted(d.status for d in store.list_deliveries("mail"))
    assert statuses == ["failed", "sent"]
    assert all(d.address is None for d in store.list_deliveries("mail"))


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_deferral_naming_the_recipient_keeps_the_address_out(store, smtp_server, caplog,
                                                               stage):
    """Servers often echo the address in a 4xx reply: neither the delivery's last error nor
    the log may carry it, and the mail goes out on a later round."""
    url, inbox = smtp_server
    clock = Clock()
    run = sender(store, url, clock)
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    run.run_once()
    inbox.messages.clear(), inbox.envelopes.clear()
    mark_planned(store, store.idea_id)
    reply = "450 4.2.0 <ann@example.org>: mailbox busy"
    if stage == "rcpt":
        inbox.refuse_rcpt = [reply]
    else:
        inbox.refuse = [reply.replace("450", "451", 1)]
    with caplog.at_level(logging.DEBUG, logger="pollserver"):
        assert run.run_once() == 0
    ours = [r for r in caplog.records if r.name.startswith("pollserver")]  # not the server's
    assert ours
    [row] = [d for d in store.list_deliveries("mail") if d.status != "sent"]
    assert row.status == "pending" and row.last_error
    assert ("450" if stage == "rcpt" else "451") in row.last_error
    assert "example.org" not in row.last_error and "ann" not in row.last_error
    assert not [r for r in ours if "example.org" in r.getMessage()]
    clock.now = AT + timedelta(minutes=1)
    assert run.run_once() == 1
    assert len(inbox.to("ann@example.org")) == 1


def test_gives_up_after_max_attempts(store, smtp_server):
    url, inbox = smtp_server
    clock = Clock()
    run = sender(store, url, clock, max_attempts=2)
    follow_confirmed(store, "ann@example.org", "idea", store.idea_id)
    run.run_once()
    mark_planned(store, store.idea_id)
    inbox.refuse = ["421 down"] * 5
    run.run_once()
    clock.now += timedelta(hours=1)
    run.run_once()
    clock.now += timedelta(days=1)
    assert run.run_once() == 0
    [row] = [d for d in store.list_deliveries("mail")]
    assert (row.status, row.attempts) == ("failed", 2)
    assert inbox.refuse == ["421 down"] * 3


def test_a_poll_closing_on_its_date_reaches_its_follower_once(smtp_server):
    """No editor acts: the closings job announces the poll once the clock passes it, and the
    sender's next round mails it once."""
    url, inbox = smtp_server
    store = MemoryStore()
    store.sync_items([make_item("poll", id="p", question="Which colour?",
                                options=["Red", "Blue"], closes=AT + timedelta(days=1))])
    store.record_vote("p", "v1", ["blue"], replace=False, at=AT)
    follow_confirmed(store, "ann@example.org", "poll", "p")
    clock = Clock()
    run = sender(store, url, clock)
    closings = Closings(store, clock)
    run.run_once()  # the confirmation mail; the poll is still open
    assert closings.run_once() == 0
    assert store.list_events(types=["poll.closed"]) == []
    before = len(inbox.messages)
    clock.now = AT + timedelta(days=1, minutes=1)
    assert run.run_once() == 0  # the sender announces nothing itself
    assert closings.run_once() == 1
    assert run.run_once() == 1
    assert closings.run_once() == 0 and run.run_once() == 0  # announced and sent once
    [event] = store.list_events(types=["poll.closed"])
    assert event.data["results"] == [["Red", 0], ["Blue", 1]]
    assert len(inbox.messages) == before + 1
    assert inbox.messages[-1]["To"] == "ann@example.org"


def test_a_reopened_jam_tells_those_who_heard_it_closed(store, smtp_server):
    url, inbox = smtp_server
    clock = Clock()
    run = sender(store, url, clock)
    follow_confirmed(store, "ann@example.org", "jam", "j")
    run.run_once()
    editor.close_early(store, "editor", "j", at=AT + timedelta(minutes=1))
    editor.reopen(store, "editor", "j", at=AT + timedelta(minutes=2))
    editor.reopen(store, "editor", "j", at=AT + timedelta(minutes=3))  # already open: no news
    clock.now = AT + timedelta(minutes=5)
    run.run_once()
    subjects = [str(m["Subject"]) for m in inbox.to("ann@example.org")]
    assert subjects[-2:] == ["Hub: \u201cBetter app\u201d has closed",
                             "Hub: \u201cBetter app\u201d is open again"]
    [reopened] = follows.updates_for(store, "nobody", subjects={"jam:j"},
                                     after=AT + timedelta(minutes=1, seconds=30))
    assert reopened.type == "jam.reopened" and store.get_item("jam", "j").closed_at is None


def test_one_unsendable_row_is_marked_failed_and_the_others_go_out(store, smtp_server,
                                                                   caplog):
    """Poison-message isolation: an address no mail can carry (a lone surrogate that once
    got past the input checks) fails alone; the rows queued after it are sent."""
    from pollserver.domain.events import new_event
    from pollserver.domain.outbox import Follow, follow_id, new_token

    url, inbox = smtp_server

    def request(address: str) -> None:  # straight into the store, past every input check
        token = new_token()
        follow = Follow(id=follow_id(token), kind="jam", item="j", jam=None, email=address,
                        voter_id=None, created_at=AT)
        store.request_follow(follow, new_event("follow.requested", [f"follow:{follow.id}"], {
            "kind": "jam", "id": "j", "jam": None, "title": "Better app", "url": "/jams/j",
            "token": token}, at=AT))

    request("bad\ud800@example.org")
    request("ann@example.org")
    request("bob@example.org")
    run = sender(store, url, Clock())
    with caplog.at_level(logging.ERROR, logger="pollserver"):
        assert run.run_once() == 2
    assert sorted(a for _, rcpt in inbox.envelopes for a in rcpt) == [
        "ann@example.org", "bob@example.org"]
    rows = sorted((d.status, d.last_error or "") for d in store.list_deliveries("mail.confirm"))
    assert rows == [("failed", "cannot be sent: UnicodeEncodeError"), ("sent", ""), ("sent", "")]
    assert "cannot be sent" in caplog.text and "example.org" not in caplog.text
    assert run.run_once() == 0  # the failed row is not tried again
