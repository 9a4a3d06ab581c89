"""Rate limits per voter and per client IP, on Flask-Limiter's storage (memory or Redis).

Limits are grouped by what a request does (vote, idea, answer, login, me). Each group has a
per-voter and a per-IP limit; the IP is only ever used as today's keyed hash. With Redis
(``POLLSERVER_REDIS_URL``) the counters are shared by every process and host.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from limits import parse_many

from pollserver.config import Settings
from pollserver.errors import RateLimited
from pollserver.web.identity import client_ip_hash, current_voter

__all__ = ["RateLimited", "init_app", "rate_limit"]

F = TypeVar("F", bound=Callable[..., Any])

#: group -> (per-voter limit, per-IP limit); generous enough for a family behind one NAT.
DEFAULT_LIMITS: dict[str, tuple[str | None, str]] = {
    "vote": ("60/minute", "1200/minute"),
    "idea": ("10/minute;50/day", "120/hour"),
    "answer": ("10/minute", "600/minute"),
    "me": ("30/minute", "300/minute"),
    "login": (None, "10/minute;50/hour"),
}


class Limits:
    """Check the limits of a group against the shared limiter storage."""

    def __init__(self, limiter: Limiter, table: dict[str, tuple[str | None, str]]) -> None:
        self.limiter = limiter
        self.table = {group: (parse_many(voter) if voter else [], parse_many(ip))
                      for group, (voter, ip) in table.items()}

    def check(self, group: str) -> None:
        """Count one hit for the voter and the IP; raise :class:`RateLimited` when over."""
        if not self.limiter.enabled:
            return
        per_voter, per_ip = self.table[group]
        strategy = self.limiter.limiter
        keys = [(item, f"ip:{client_ip_hash()}") for item in per_ip]
        voter = current_voter()
        if voter:
            keys += [(item, f"voter:{voter}") for item in per_voter]
        for item, key in keys:
            if not strategy.hit(item, group, key):
                reset = strategy.get_window_stats(item, group, key).reset_time
                wait = max(1, int(reset - time.time()) + 1)
                raise RateLimited(f"Too many requests; please try again in {wait} seconds.",
                                  retry_after=wait)


def _table(settings: Settings) -> dict[str, tuple[str | None, str]]:
    spec = settings.rate_limits.strip()
    if spec in ("on", "off", ""):
        return DEFAULT_LIMITS
    parse_many(spec)  # fail at start-up, not on the first vote, if the spec is wrong
    return {group: (spec, spec) for group in DEFAULT_LIMITS}


def init_app(app: Flask, settings: Settings) -> None:
    """Create the limiter (memory or Redis storage) and keep it in ``app.extensions``."""
    limiter = Limiter(
        key_func=client_ip_hash,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        strategy="moving-window",
        enabled=settings.rate_limits.strip() != "off",
        headers_enabled=False,
    )
    app.extensions["pollserver.limits"] = Limits(limiter, _table(settings))


def rate_limit(group: str) -> Callable[[F], F]:
    """Guard a view with the limits of ``group``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            current_app.extensions["pollserver.limits"].check(group)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
