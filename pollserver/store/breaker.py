"""A circuit breaker: after a failure, a dead service is not waited on once per request.

Without it, every request during a database outage waits for its own connect or pool
timeout, so a dozen pending votes take every server thread and even static pages queue
behind them. With it, the first failure opens the circuit; for ``cooldown`` seconds callers
are refused at once; then one caller at a time probes the service while the others are still
refused, and the first success closes the circuit again. The clock is passed in so tests can
move it by hand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Breaker"]


class Breaker:
    """Closed (calls go through), open (refused until the cooldown ends) or probing."""

    def __init__(self, cooldown: float = 1.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed
        self.last_error: str | None = None

    @property
    def is_open(self) -> bool:
        """True while the service is believed down (including while a probe runs)."""
        return self._open_until is not None

    def allow(self) -> bool:
        """May the caller use the service now? While open, one caller per cooldown probes."""
        if self._open_until is None:
            return True
        with self._lock:
            if self._open_until is None:
                return True
            now = self.clock()
            if now < self._open_until:
                return False
            # This caller probes; the others keep being refused until it reports back.
            self._open_until = now + self.cooldown
            return True

    def success(self) -> bool:
        """Report a working call; return True if this closed an open circuit."""
        if self._open_until is None:
            return False
        with self._lock:
            was_open = self._open_until is not None
            self._open_until = None
            self.last_error = None
            return was_open

    def failure(self, reason: str) -> None:
        """Report a failed call: open the circuit (again) for one cooldown."""
        with self._lock:
            self._open_until = self.clock() + self.cooldown
            self.last_error = reason
