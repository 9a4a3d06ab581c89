"""The webhook sender's timeout, retry schedule and switch-off are README's numbers.

README promises: a 10 s timeout, retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
and an endpoint still failing after a day is switched off. The numbers are literals here
(never imported from the code), so the code and README cannot drift apart silently.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pollserver.domain.webhooks import WEBHOOK
from pollserver.editor import jams as editor
from pollserver.editor import webhooks as hooks
from pollserver.store.memory import MemoryStore
from pollserver.webhooks.sender import WebhookSender
from tests.mail.helpers import AT, Clock, arrange

README = Path(__file__).resolve().parents[2] / "README.md"

WAITS = [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
         timedelta(hours=2), timedelta(hours=5), timedelta(hours=10), timedelta(hours=10)]
TIMEOUT = 10.0
SWITCH_OFF = timedelta(days=1)


def test_readme_states_these_numbers():
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert ("a 10 s timeout, retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; an "
            "endpoint still failing after a day is switched off") in text


def test_the_default_timeout_is_ten_seconds():
    assert WebhookSender(store=MemoryStore(), clock=Clock()).timeout == TIMEOUT


def test_a_failing_endpoint_is_retried_on_readmes_schedule(receiver):
    store = MemoryStore()
    arrange(store)
    clock = Clock()
    endpoint = hooks.add(store, "ed", receiver.url, ["jam.closed"], at=AT)
    editor.close_early(store, "ed", "j", at=AT)
    receiver.answers = [503] * 20
    run = WebhookSender(store=store, clock=clock, allow_private=True,
                        context=receiver.context)
    waits = []
    for _ in range(20):
        assert run.run_once() == 0
        [row] = store.list_deliveries(WEBHOOK)
        if row.status != "pending":
            break
        waits.append(row.next_attempt - clock.now)
        clock.now = row.next_attempt - timedelta(seconds=1)
        assert run.run_once() == 0 and len(receiver.received) == len(waits)  # not early
        clock.now = row.next_attempt
    assert waits == WAITS
    assert row.status == "failed" and len(receiver.received) == len(WAITS) + 1
    off = store.get_webhook(endpoint.id)
    assert not off.enabled
    assert clock.now - AT >= SWITCH_OFF and clock.now - AT - WAITS[-1] < SWITCH_OFF
