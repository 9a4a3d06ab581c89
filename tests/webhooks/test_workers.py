"""Two webhook senders on one PostgreSQL database: each event once per endpoint."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.webhooks.sender import WebhookSender
from tests.mail.helpers import AT, Clock, arrange
from tests.mail.test_crash_and_workers import pg_url  # noqa: F401 - the fixture
from tests.store.conftest import Backend
from tests.together import run_at_once


def test_two_senders_on_postgresql_deliver_each_event_once_per_endpoint(
        tmp_path, receiver, pg_url):  # noqa: F811
    backend = Backend("postgres", tmp_path)
    try:
        one, two = backend.open(), backend.open()
        idea_id = arrange(one)
        a = hooks.add(one, "ed", receiver.url, ["idea.status_changed"], at=AT)
        b = hooks.add(one, "ed", receiver.url + "?b", ["idea.status_changed", "jam.closed"],
                      at=AT)
        for n in range(15):
            editor.set_status(one, "ed", idea_id, "planned" if n % 2 else "in-progress",
                              note=f"step {n}", at=AT + timedelta(seconds=n))
        editor.close_early(one, "ed", "j", at=AT)
        clock = Clock(AT + timedelta(minutes=1))
        senders = [WebhookSender(store=s, clock=clock, allow_private=True,
                                 context=receiver.context, batch=2) for s in (one, two)]
        counts = run_at_once([s.run_once for s in senders])
        # 15 status changes to both endpoints, the close to b only: 31, each exactly once.
        assert sum(counts) == 31
        seen = Counter((h["webhook-id"], h["path"]) for h, _ in receiver.received)
        assert len(seen) == 31 and set(seen.values()) == {1}
        assert Counter(path for _, path in seen) == {"/hooks": 15, "/hooks?b": 16}
        assert len(one.list_attempts(a.id)) == 15 and len(one.list_attempts(b.id)) == 16
        assert senders[0].run_once() == senders[1].run_once() == 0
    finally:
        backend.close_all()
