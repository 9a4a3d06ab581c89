"""At most once, the hard cases: a sender killed between sending and marking, and two
senders draining one PostgreSQL outbox at the same time."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest

from pollserver.store.tinydb import TinyDBStore
from tests.ci import require_module
from tests.live_server import ROOT
from tests.mail.helpers import AT, Clock, arrange, follow_confirmed, mark_planned, sender
from tests.store.conftest import Backend
from tests.together import run_at_once

#: README: a sender killed mid-send sends again "after a 5-minute lease".
LEASE = timedelta(minutes=5)


def test_a_kill_between_sending_and_marking_resends_once_with_the_same_message_id(
        tmp_path, smtp_server):
    url, inbox = smtp_server
    store = TinyDBStore(tmp_path / "var")
    try:
        idea_id = arrange(store)
        follow_confirmed(store, "ann@example.org", "idea", idea_id)
        clock = Clock()
        run = sender(store, url, clock)
        assert run.run_once() == 1  # the confirmation
        mark_planned(store, idea_id)
        crashed = subprocess.run(
            [sys.executable, "-m", "tests.mail.crash_sender", str(tmp_path / "var"), url,
             AT.isoformat()], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert crashed.returncode == 9, crashed.stderr
        assert len(inbox.messages) == 2  # the SMTP server has it; the row is still claimed
        first = inbox.messages[-1]["Message-ID"]

        assert run.run_once() == 0  # the dead sender's lease still holds the row
        clock.now = AT + LEASE - timedelta(seconds=1)
        assert run.run_once() == 0  # README: a 5-minute lease
        clock.now = AT + LEASE
        assert run.run_once() == 1  # sent once more ...
        assert inbox.messages[-1]["Message-ID"] == first  # ... as the same message
        clock.now = AT + LEASE * 3
        assert run.run_once() == 0  # and never again
        assert len(inbox.messages) == 3
    finally:
        store.close()


def test_two_senders_on_postgresql_never_send_a_mail_twice(tmp_path, smtp_server, pg_url):
    url, inbox = smtp_server
    backend = Backend("postgres", tmp_path)
    try:
        one, two = backend.open(), backend.open()
        idea_id = arrange(one)
        for n in range(40):
            follow_confirmed(one, f"reader{n}@example.org", "idea", idea_id)
        mark_planned(one, idea_id)
        clock = Clock()
        senders = [sender(one, url, clock, batch=3), sender(two, url, clock, batch=3)]
        counts = run_at_once([s.run_once for s in senders])
        # 40 confirmations and 40 status mails, each exactly once, split between senders.
        assert sum(counts) == 80
        per_address = Counter(r for _, rcpt in inbox.envelopes for r in rcpt)
        assert set(per_address.values()) == {2} and len(per_address) == 40
        assert len({m["Message-ID"] for m in inbox.messages}) == 80
        assert senders[0].run_once() == senders[1].run_once() == 0
    finally:
        backend.close_all()


@pytest.fixture
def pg_url():
    from tests.store.conftest import DATABASE_URL

    psycopg = require_module("psycopg")
    try:
        psycopg.connect(DATABASE_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        from tests.conftest import need_service

        need_service("PostgreSQL", str(error))
    return DATABASE_URL
