"""Rate limits per voter and per client IP, on Flask-Limiter's storage (memory or Redis).

Limits are grouped by what a request does (vote, idea, answer, login, me). Each group has a
per-voter and a per-IP limit; the IP is only ever used as today's keyed hash. With Redis
(``POLLSERVER_REDIS_URL``) the counters are shared by every process and host.

Without Redis, the embedded setup (TinyDB in a data dir) keeps the counters in a small file
in the data dir (``limit_file.py``), so the gunicorn workers sharing that ``var/`` count
together. When Redis (or that file) cannot be used, limits fail open instead of failing the
request: they are counted in this process's memory (looser across workers, never a 500 or a
stall), with a warning in the log and in ``/api/health``. Short socket timeouts keep a silent
Redis from holding a request, and a circuit breaker keeps a dead one from being asked per
request; it is tried again every few seconds and takes over by itself when it answers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from pollserver.config import Settings
from pollserver.domain.outbox import mailbox_of
from pollserver.errors import RateLimited
from pollserver.store.breaker import Breaker
from pollserver.web.context import services, services_of
from pollserver.web.identity import client_ip_hash, current_voter
from pollserver.web.limit_file import FILENAME as LIMITS_FILE
from pollserver.web.limit_file import FileStorage

__all__ = ["RateLimited", "check_address", "init_app", "rate_limit"]

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("pollserver.limits")

#: Seconds a Redis command may take before the limits fall back to memory.
REDIS_TIMEOUT = 0.5

#: Seconds between attempts to use Redis again after it failed.
REDIS_RETRY = 5.0

#: group -> (per-voter limit, per-IP limit); generous enough for a family behind one NAT.
DEFAULT_LIMITS: dict[str, tuple[str | None, str]] = {
    "vote": ("60/minute", "1200/minute"),
    "idea": ("10/minute;50/day", "120/hour"),
    "answer": ("10/minute", "600/minute"),
    "me": ("30/minute", "300/minute"),
    "login": (None, "10/minute;50/hour"),
    "follow": ("5/minute;20/day", "10/hour;50/day"),
}
#: Follow requests (so confirmation mails) reaching one inbox, from anyone: the address is
#: normalised first (lower-case, ``+tag`` removed), so ``victim+1@`` and ``victim+2@`` count
#: as one inbox and the form cannot flood it.
ADDRESS_LIMIT = "3/hour;6/day"
#: Follow requests naming addresses at one domain, from anyone (a catch-all domain is one
#: inbox too). An attacker can use up a domain's hour; its readers then wait, not its inbox.
DOMAIN_LIMIT = "30/hour;200/day"


class Limits:
    """Check the limits of a group against the shared limiter storage."""

    def __init__(self, limiter: Limiter, table: dict[str, tuple[str | None, str]],
                 shared: RateLimiter | None = None, shared_name: str = "Redis") -> None:
        self.limiter = limiter
        self.table = {group: (parse_many(voter) if voter else [], parse_many(ip))
                      for group, (voter, ip) in table.items()}
        #: Counters shared by every process (Redis, or the data dir's file), when there are;
        #: the per-process fallback for when they fail; when to try them again.
        self.shared = shared
        self.shared_name = shared_name
        self.fallback: RateLimiter = MovingWindowRateLimiter(MemoryStorage())
        self.breaker = Breaker(cooldown=REDIS_RETRY)

    def warning(self) -> str | None:
        """Why limits are not shared right now, or ``None`` (for ``/api/health``)."""
        if self.shared is not None and self.breaker.is_open:
            return (f"rate limits counted per process: {self.shared_name} unavailable "
                    f"({self.breaker.last_error})")
        return None

    @property
    def strategy(self) -> RateLimiter:
        """The counters the other limits (new voters, rewards per address) use: the shared
        ones (Redis, or the data dir's file for the embedded setup's workers) while they
        answer, else Flask-Limiter's own (this process's memory without Redis)."""
        if self.shared is not None and not self.breaker.is_open:
            return self.shared
        return self.limiter.limiter

    def check(self, group: str) -> None:
        """Count one hit for the voter and the IP; raise :class:`RateLimited` when over."""
        if not self.limiter.enabled:
            return
        per_voter, per_ip = self.table[group]
        keys = [(item, f"ip:{client_ip_hash()}") for item in per_ip]
        voter = current_voter()
        if voter:
            keys += [(item, f"voter:{voter}") for item in per_voter]
        self.count(group, keys)

    def count(self, group: str, keys: list[tuple[Any, str]]) -> None:
        """Count one hit for each ``(limit, key)`` in the shared counters (or this process's
        when they fail); raise :class:`RateLimited` for the first one over its limit."""
        if self.shared is not None and self.breaker.allow():
            try:
                self._hit(self.shared, group, keys)
            except RateLimited:
                raise
            except Exception as exc:  # noqa: BLE001 - any storage failure fails open
                reason = str(exc).strip() or type(exc).__name__
                if not self.breaker.is_open:
                    log.warning("%s unavailable (%s): rate limits are counted per process "
                                "until it answers", self.shared_name, reason)
                self.breaker.failure(reason)
            else:
                if self.breaker.success():
                    log.warning("%s answers again: rate limits are shared again",
                                self.shared_name)
                return
        self._hit(self.fallback, group, keys)

    @staticmethod
    def _hit(strategy: RateLimiter, group: str, keys: list[tuple[Any, str]]) -> None:
        for item, key in keys:
            if not strategy.hit(item, group, key):
                reset = strategy.get_window_stats(item, group, key).reset_time
                wait = max(1, int(reset - time.time()) + 1)
                raise RateLimited(f"Too many requests; please try again in {wait} seconds.",
                                  retry_after=wait)


def check_address(address: str) -> None:
    """Count one follow request for the inbox ``address`` reaches and for its domain.

    Both are kept as keyed hashes, never in clear. Raises :class:`RateLimited` when the inbox
    or the domain has had its share of confirmation mails."""
    limits = services().limits
    if not limits.limiter.enabled:
        return
    mailbox, domain = mailbox_of(address)
    secret = current_app.config["SECRET_KEY"].encode()

    def key(kind: str, value: str) -> str:
        return f"{kind}:" + hmac.new(secret, f"{kind}:{value}".encode(),
                                     hashlib.sha256).hexdigest()[:32]

    try:
        limits.count("follow-address", [(item, key("mailbox", mailbox))
                                         for item in parse_many(ADDRESS_LIMIT)]
                     + [(item, key("domain", domain)) for item in parse_many(DOMAIN_LIMIT)])
    except RateLimited:
        raise RateLimited("Too many requests for this address; please try again later.",
                          retry_after=3600) from None


def _table(settings: Settings) -> dict[str, tuple[str | None, str]]:
    spec = settings.rate_limits.strip()
    if spec in ("on", "off", ""):
        return DEFAULT_LIMITS
    parse_many(spec)  # fail at start-up, not on the first vote, if the spec is wrong
    return {group: (spec, spec) for group in DEFAULT_LIMITS}


def init_app(app: Flask, settings: Settings) -> None:
    """Create the limiter (memory or Redis storage) and keep it in the app's services."""
    options: dict[str, Any] = ({"socket_timeout": REDIS_TIMEOUT,
                                "socket_connect_timeout": REDIS_TIMEOUT}
                               if settings.redis_url else {})
    limiter = Limiter(
        key_func=client_ip_hash,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        storage_options=options,
        strategy="moving-window",
        enabled=settings.rate_limits.strip() != "off",
        headers_enabled=False,
    )
    shared: RateLimiter | None = None
    name = "Redis"
    if limiter.enabled and settings.redis_url:
        shared = limiter.limiter
    elif limiter.enabled and settings.backend == "tinydb":
        shared, name = _file_limiter(settings), "the limits file"
    services_of(app).limits = Limits(limiter, _table(settings), shared, name)


def _file_limiter(settings: Settings) -> RateLimiter | None:
    """Counters in the data dir, shared by the workers of the embedded setup."""
    try:
        return MovingWindowRateLimiter(FileStorage(settings.data_dir / LIMITS_FILE))
    except (OSError, sqlite3.Error) as exc:  # a read-only data dir: count per process
        log.warning("rate limits counted per process: cannot use %s (%s)",
                    settings.data_dir / LIMITS_FILE, exc)
        return None


def rate_limit(group: str) -> Callable[[F], F]:
    """Guard a view with the limits of ``group``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            services().limits.check(group)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
