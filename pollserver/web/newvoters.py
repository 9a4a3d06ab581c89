"""Limits on new identities: the first-write burst, new voters and rewards per address.

Nobody who only reads gets a voter cookie (a privacy promise), so the cookie arrives with the
answer to a reader's first write. Requests sent before that answer each mint a new voter,
and so does a client that simply drops the cookie. Per-voter limits cannot see either; these
limits key on the client address instead (today's keyed hash, never the raw IP):

- a burst of cookie-less writes on one item from one address within a few seconds: all but
  the first get 429 ``rate_limited`` with a short ``Retry-After`` (a second person on the same
  network simply tries again);
- new voter ids per address (a stream of fresh identities is the attack, not a reader);
- reward codes per address per pool (as well as one per voter);
- many new voters from one address on one item in a minute are recorded in the audit log,
  which the admin dashboard lists per item.

All of them live on the rate limiter's storage (Redis shares them between processes) and are
off with ``POLLSERVER_RATE_LIMITS=off``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, g
from limits import RateLimitItem, RateLimitItemPerSecond, parse, parse_many

from pollserver.config import Settings
from pollserver.domain.records import AuditEntry
from pollserver.errors import RateLimited
from pollserver.store.base import Store
from pollserver.web.bursts import BURST_ACTION, requeue_recent
from pollserver.web.context import get_store, now, services, services_of
from pollserver.web.identity import client_ip_hash

__all__ = ["BURST_ACTION", "NewVoterLimits", "init_app", "reward_allowed", "reward_gate",
           "reward_limited", "suspicious_bursts", "writing_to"]

log = logging.getLogger("pollserver")

_MINUTE = RateLimitItemPerSecond(1_000_000, 60)  # a counter only: never refuses


class NewVoterLimits:
    """The limits on cookie-less writers, checked against the shared limiter storage."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self.limits = services_of(app).limits
        self.enabled = self.limits.limiter.enabled
        self.burst = RateLimitItemPerSecond(max(1, settings.first_write_burst),
                                            max(1, settings.first_write_window))
        self.new_voters: list[RateLimitItem] = parse_many(settings.new_voters)
        self.rewards = parse(settings.rewards_per_address)
        self.suspicious = max(1, settings.suspicious_new_voters)
        self.hold_after = max(0, settings.hold_new_voters)
        self.burst_minutes = max(0, settings.burst_queue)

    @property
    def strategy(self) -> Any:
        """The shared counters (read per use: they may fall back to this process's memory).

        Once Flask-Limiter's own, which without Redis is each worker's memory: three
        workers on one data dir handed one address three reward codes in one burst."""
        return self.limits.strategy

    def _refuse(self, item: RateLimitItem, key: str, group: str, message: str) -> None:
        reset = self.strategy.get_window_stats(item, group, key).reset_time
        wait = max(1, int(reset - time.time()) + 1)
        raise RateLimited(message.format(wait=wait), retry_after=wait)

    def new_voter(self) -> None:
        """Check a write that is about to mint a voter id; raise :class:`RateLimited`.

        If the limiter's storage (Redis) fails, the write goes through with a warning in the
        log: these limits fail open, like the others, never as a 500.
        """
        if not self.enabled:
            return
        try:
            self._check_new_voter()
        except RateLimited:
            raise
        except Exception:  # noqa: BLE001 - any storage failure: fail open
            log.warning("new-voter limits skipped: rate-limit storage failed", exc_info=True)

    def _check_new_voter(self) -> None:
        address = client_ip_hash()
        kind, item = g.get("write_item", ("", ""))
        key = f"{kind}:{item}:{address}"
        if not self.strategy.hit(self.burst, "first-write", key):
            self._refuse(self.burst, key, "first-write",
                         "Your first answer is still on its way; please try again in "
                         "{wait} seconds.")
        for limit in self.new_voters:
            if not self.strategy.hit(limit, "new-voter", address):
                self._refuse(limit, address, "new-voter",
                             "Too many new visitors from this network; please try again in "
                             "{wait} seconds.")
        self._watch(kind, item, address)

    def _watch(self, kind: str, item: str, address: str) -> None:
        """Count new voters per item and address and minute; record the minute it gets many."""
        if not kind:
            return
        minute = now().strftime("%Y-%m-%dT%H:%M")
        count = self.strategy.storage.incr(f"watch/{kind}/{item}/{address}/{minute}", 120)
        # Spread out slowly (a patient bot under the first-write limit), the hour tells:
        # from the ``hold_after``-th new voter of an address on an item, ideas wait for an
        # editor (``web/proof.must_wait``); at ``suspicious`` in the hour the item is flagged.
        hourly = self._shared_incr(
            f"watch-hour/{kind}/{item}/{address}/{now().strftime('%Y-%m-%dT%H')}", 3700)
        if self.hold_after and hourly >= self.hold_after:
            g.suspect_new_voter = True
        if count == self.suspicious or hourly == self.suspicious:
            store = get_store()
            # The burst's earlier ideas (one per address, before any hold) go back to the
            # queue; every flag repeats it, so one written beside the first flag is caught too.
            requeued = (requeue_recent(store, item, now(), self.burst_minutes)
                        if kind == "jam" else 0)
            store.add_audit(AuditEntry(
                at=now(), actor="rate-limits", action=BURST_ACTION, target=f"{kind}:{item}",
                details={"address_hash": address[:12], "minute": minute,
                         "new_voters": count, "requeued": requeued}))

    def _shared_incr(self, key: str, expiry: int) -> int:
        """Count in the counters every worker shares (Redis or the data dir's limits file;
        ``strategy`` falls back to this process's memory when they fail)."""
        return int(self.strategy.storage.incr(key, expiry))

    def reward_allowed(self, pool: str) -> bool:
        """Tell whether this address may still receive a code from ``pool`` (counts one)."""
        if not self.enabled:
            return True
        try:
            return bool(self.strategy.hit(self.rewards, "reward", f"{pool}:{client_ip_hash()}"))
        except Exception:  # noqa: BLE001 - any storage failure: fail open
            log.warning("reward limit skipped: rate-limit storage failed", exc_info=True)
            return True


def writing_to(kind: str, item_id: str) -> None:
    """Note which item this request writes to (the burst limit is per item)."""
    g.write_item = (kind, item_id[:64])


def reward_allowed(pool: str) -> bool:
    """Tell whether this client address may still receive a code from ``pool`` today."""
    return bool(services().new_voters.reward_allowed(pool))


def reward_gate(store: Store, pool: str, voter: str) -> bool:
    """Tell whether the voter may be given a code from ``pool`` now: a voter who holds one
    keeps it; otherwise this client address must not have had one from the pool today."""
    if store.code_of(pool, voter) is not None or reward_allowed(pool):
        return True
    g.reward_limited = pool
    return False


def reward_limited(pool: str) -> bool:
    """Tell whether this request was refused a code from ``pool`` by the per-address rule."""
    return bool(g.get("reward_limited") == pool)


def suspicious_bursts(store: Store, limit: int = 500) -> dict[str, list[AuditEntry]]:
    """Return the recent suspicious bursts per item (``kind:id``), newest first."""
    bursts: dict[str, list[AuditEntry]] = {}
    for entry in store.list_audit(limit):
        if entry.action == BURST_ACTION:
            bursts.setdefault(entry.target, []).append(entry)
    return bursts


def init_app(app: Flask, settings: Settings) -> None:
    """Create the limits (after :func:`pollserver.web.limits.init_app`) and hook new voters."""
    limits = NewVoterLimits(app, settings)
    services_of(app).new_voters = limits
