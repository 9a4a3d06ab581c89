"""Background rounds: call a ``run_once`` every few seconds on a daemon thread.

The mail sender, the webhook sender and the publish loop all work this way: one round, then a
wait that :meth:`Rounds.stop` cuts short. A round that raises (a store hiccup) is logged and
the next round tries again; the loop itself never ends on an error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

from pollserver.web.context import services_of

__all__ = ["Rounds", "start_rounds"]

log = logging.getLogger(__name__)


class Rounds(threading.Thread):
    """Run ``run_once`` every ``interval`` seconds until :meth:`stop` (a daemon thread)."""

    def __init__(self, run_once: Callable[[], object], *, name: str, interval: float) -> None:
        super().__init__(name=name, daemon=True)
        self.run_once = run_once
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.run_once()
            except Exception:  # the next round retries
                log.exception("%s: round failed", self.name)
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        """Ask the loop to end after the current round."""
        self.stopped.set()


def start_rounds(app: Flask, build: Callable[[], Callable[[], object]], *, name: str,
                 interval: float) -> Rounds:
    """Start ``build()``'s rounds once per app (kept in its services' ``jobs[name]``)."""
    jobs = services_of(app).jobs
    running = jobs.get(name)
    if isinstance(running, Rounds) and running.is_alive():
        return running
    thread = Rounds(build(), name=name, interval=interval)
    jobs[name] = thread
    thread.start()
    return thread
