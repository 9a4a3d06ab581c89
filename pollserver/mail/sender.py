"""The sender: drains the outbox's mail deliveries with retries, backoff and a lease.

One round (:meth:`Sender.run_once`) deletes expired follow requests, sends due confirmation
mails, then due follower mails (or, with ``POLLSERVER_MAIL_DIGEST=daily``, once a day one
digest per address). Each delivery is claimed for :data:`LEASE` before sending and finished
after: sent, retried later with exponential backoff, or failed after ``max_attempts``.

**At most once per (event, recipient)** holds because the store has one row per pair and a
row is only claimed by one sender at a time (``SKIP LOCKED`` on PostgreSQL). A sender killed
after the SMTP server accepted a message but before it finished the row sends that message
once more when the lease runs out, with the same ``Message-ID`` (it depends only on event and
recipient), so mail clients that keep one copy per id show it once. Nothing else can repeat it.

**One bad row never stops the others** (poison-message isolation): a delivery that cannot
even be composed (text no mail can carry, an event from an older version) is marked failed
with the reason, logged by its id, and the round goes on with the next one. Otherwise it
would be claimed again every round, fail the round again, and hold back every mail queued
behind it.

The clock is an input (``clock``); the loop only sleeps between rounds.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from pollserver.domain.catalogues import speaking
from pollserver.domain.outbox import CONFIRM, MAIL, Delivery
from pollserver.mail.compose import MailContext, compose, compose_digest
from pollserver.mail.transport import PermanentFailure, Transport
from pollserver.store.base import Store
from pollserver.web import po  # noqa: F401 - installs the catalogues for `speaking`

__all__ = ["LEASE", "Sender", "backoff", "digest_cutoff"]

log = logging.getLogger(__name__)

#: How long a claimed delivery is hidden from other senders (longer than any SMTP timeout).
LEASE = timedelta(minutes=5)
#: The hour (UTC) the daily digest goes out.
DIGEST_HOUR = 8


#: Anything shaped like an e-mail address, for scrubbing error texts.
_ADDRESS = re.compile(r"[^\s<>'\"(){}\[\],;:]+@[^\s<>'\"(){}\[\],;:]+")


def _without_addresses(text: str) -> str:
    """Return ``text`` with anything shaped like an address replaced: a transport error's
    text ends up in ``last_error`` and the log, where addresses must never appear (the
    transport already words its own errors without them; this guards the unforeseen)."""
    return _ADDRESS.sub("<address>", text)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def digest_cutoff(now: datetime) -> datetime:
    """The last digest time at or before ``now``: what was queued before it goes out now."""
    today = now.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return today if now >= today else today - timedelta(days=1)


@dataclass
class Sender:
    """Send what the outbox holds for mail, one round at a time."""

    store: Store
    transport: Transport
    ctx: MailContext
    clock: Callable[[], datetime]
    digest: str = "off"
    max_attempts: int = 8
    batch: int = 20

    def run_once(self) -> int:
        """Do one round; return how many messages went out."""
        now = self.clock()
        self.store.purge_follows(now)
        sent = self._drain(CONFIRM, now, None)
        if self.digest == "daily":
            return sent + self._digest(now)
        return sent + self._drain(MAIL, now, None)

    def _drain(self, consumer: str, now: datetime, before: datetime | None) -> int:
        sent = 0
        claim = uuid.uuid4().hex
        while batch := self.store.claim_deliveries(consumer, now=now, lease=LEASE,
                                                   claim=claim, limit=self.batch,
                                                   created_before=before):
            for delivery in batch:
                try:
                    sent += self._deliver(delivery, claim, now)
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the rest
                    self._poisoned([delivery], claim, now, exc)
            if len(batch) < self.batch:
                break
        return sent

    def _poisoned(self, deliveries: list[Delivery], claim: str, now: datetime,
                  exc: Exception) -> None:
        """Mark deliveries that could not be sent at all as failed (never retried)."""
        error = _without_addresses(f"cannot be sent: {exc.__class__.__name__}")
        log.error("mail for delivery %s cannot be sent; marked failed (%s)",
                  deliveries[0].id, error)
        for delivery in deliveries:
            try:
                self.store.finish_delivery(delivery.id, claim, at=now, error=error)
            except Exception:  # noqa: BLE001 - its lease runs out; the round goes on
                log.exception("delivery %s could not be marked failed", delivery.id)

    def _deliver(self, delivery: Delivery, claim: str, now: datetime) -> int:
        event = delivery.event
        if event is None or not delivery.address:
            self.store.finish_delivery(delivery.id, claim, at=now, error="nothing to send")
            return 0
        confirm = None
        if event.type == "follow.requested":
            confirm = f"{self.ctx.base_url}/follows/confirm/{event.data.get('token', '')}"
        with speaking(self._lang(delivery.recipient)):
            msg = compose(event, delivery.address, delivery.recipient, self.ctx, at=now,
                          confirm_url=confirm)
        return self._send([delivery], msg, claim, now)

    def _lang(self, follow_id: str) -> str:
        """The language the follower asked in (the site's main one for older follows)."""
        follow = self.store.get_follow(follow_id)
        return (follow.lang if follow is not None else "") or self.ctx.language

    def _send(self, deliveries: list[Delivery], msg: EmailMessage, claim: str,
              now: datetime) -> int:
        try:
            self.transport.send(msg)
        except PermanentFailure as exc:
            error, retry = _without_addresses(str(exc)), False
        except Exception as exc:  # noqa: BLE001 - any transport trouble is worth a retry
            error, retry = _without_addresses(f"{exc.__class__.__name__}: {exc}")[:200], True
        else:
            for delivery in deliveries:
                self.store.finish_delivery(delivery.id, claim, at=now)
            return 1
        for delivery in deliveries:
            again = retry and delivery.attempts < self.max_attempts
            self.store.finish_delivery(delivery.id, claim, at=now, error=error,
                                       retry_at=now + backoff(delivery.attempts) if again
                                       else None)
        # The id names the delivery, never the address (addresses stay out of logs).
        log.warning("mail for delivery %s not sent (%s)", deliveries[0].id, error)
        return 0

    def _digest(self, now: datetime) -> int:
        """Send one message per address with everything queued before the last cutoff."""
        cutoff = digest_cutoff(now)
        claim = uuid.uuid4().hex
        rows = self.store.claim_deliveries(MAIL, now=now, lease=LEASE, claim=claim,
                                           limit=1000, created_before=cutoff)
        groups: dict[str, list[Delivery]] = {}
        for delivery in rows:
            if delivery.event is None or not delivery.address:
                self.store.finish_delivery(delivery.id, claim, at=now, error="nothing to send")
                continue
            groups.setdefault(delivery.address.lower(), []).append(delivery)
        sent = 0
        for deliveries in groups.values():
            first = deliveries[0]
            events = [d.event for d in deliveries if d.event is not None]
            try:
                with speaking(self._lang(first.recipient)):
                    msg = compose_digest(events, first.address or "", first.recipient,
                                         self.ctx, at=now,
                                         key=f"digest/{cutoff.date()}/{first.id}")
                sent += self._send(deliveries, msg, claim, now)
            except Exception as exc:  # noqa: BLE001 - one bad digest must not stop the rest
                self._poisoned(deliveries, claim, now, exc)
        return sent

