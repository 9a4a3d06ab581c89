"""The mail sender's retry schedule and lease are README's numbers, written out here.

README promises: failed sends are retried with backoff (1, 2, 4 … minutes, up to 8 tries; a
5xx refusal fails at once), and a sender killed mid-send sends again after a 5-minute lease.
These tests state those numbers as literals (never importing them from the code), so
changing the code's schedule without README, or README without the code, fails here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from pollserver.mail.sender import Sender
from pollserver.mail.transport import SmtpTransport
from pollserver.store.memory import MemoryStore
from tests.mail.helpers import AT, CTX, Clock, arrange, follow_confirmed, mark_planned

README = Path(__file__).resolve().parents[2] / "README.md"

#: README: "1, 2, 4 … minutes, up to 8 tries".
WAITS = [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]
TRIES = 8
#: README: "once more after a 5-minute lease".
LEASE = timedelta(minutes=5)


def _readme() -> str:
    return " ".join(README.read_text(encoding="utf-8").split())


def test_readme_states_these_numbers():
    text = _readme()
    assert "retried with backoff (1, 2, 4 … minutes, up to 8 tries; a 5xx refusal fails at " \
           "once)" in text
    assert re.search(r"once more after a 5-minute lease", text)


def _sender(store, url: str, clock: Clock) -> Sender:
    # The defaults, as `pollserver serve` builds them: no max_attempts given here.
    return Sender(store=store, transport=SmtpTransport(url), ctx=CTX, clock=clock)


def test_a_deferred_mail_is_tried_on_readmes_schedule_then_given_up(smtp_server):
    url, inbox = smtp_server
    store = MemoryStore()
    idea = arrange(store)
    clock = Clock()
    run = _sender(store, url, clock)
    follow_confirmed(store, "ann@example.org", "idea", idea)
    assert run.run_once() == 1  # the confirmation
    mark_planned(store, idea)
    inbox.refuse = ["451 try later"] * 20
    waits = []
    for _ in range(20):
        assert run.run_once() == 0
        [row] = [d for d in store.list_deliveries("mail")]
        if row.status == "failed":
            break
        waits.append(row.next_attempt - clock.now)
        clock.now = row.next_attempt - timedelta(seconds=1)
        assert run.run_once() == 0  # not a second early
        clock.now = row.next_attempt
    assert waits == WAITS
    assert (row.status, row.attempts) == ("failed", TRIES)
    assert len(inbox.refuse) == 20 - TRIES


def test_a_5xx_refusal_fails_at_once(smtp_server):
    url, inbox = smtp_server
    store = MemoryStore()
    idea = arrange(store)
    run = _sender(store, url, Clock())
    follow_confirmed(store, "ann@example.org", "idea", idea)
    run.run_once()
    mark_planned(store, idea)
    inbox.refuse = ["550 no such user"]
    assert run.run_once() == 0
    [row] = store.list_deliveries("mail")
    assert (row.status, row.attempts) == ("failed", 1)


def test_a_claimed_mail_is_held_for_readmes_lease(smtp_server):
    """A sender that claimed a row and died: the row waits exactly the lease."""
    url, inbox = smtp_server
    store = MemoryStore()
    idea = arrange(store)
    clock = Clock()
    run = _sender(store, url, clock)
    follow_confirmed(store, "ann@example.org", "idea", idea)
    run.run_once()
    mark_planned(store, idea)

    class Dies(BaseException):  # a kill, not an error: nothing is marked
        pass

    def die(*args: object) -> int:
        raise Dies

    dying = _sender(store, url, clock)
    dying._send = die  # type: ignore[method-assign]  # killed after claiming, mid-send
    try:
        dying.run_once()
    except Dies:
        pass
    sent = len(inbox.messages)
    clock.now = AT + LEASE - timedelta(seconds=1)
    assert run.run_once() == 0  # still leased to the dead sender
    clock.now = AT + LEASE
    assert run.run_once() == 1 and len(inbox.messages) == sent + 1
