"""The one list of background jobs, and the one way every process starts them.

``pollserver serve``, ``pollserver worker`` and the WSGI entry the shipped gunicorn config
loads (its ``post_worker_init`` hook) all call :func:`start_jobs` (or :func:`run_round` for a
worker's ``--once``), so production does what the demo does. ``POLLSERVER_JOBS`` chooses which
jobs a process runs (all by default); claims on the outbox rows keep two processes from
sending a mail, posting a webhook or running the publish command twice, and closings are
announced under ids every process derives alike. Each round records its time and error
(``ops/jobstate.py``) for ``/api/health``, the dashboard and ``pollserver attention``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask

from pollserver.domain.jobs import INTERVALS, enabled_jobs
from pollserver.ops.jobstate import recorded
from pollserver.web.context import services_of
from pollserver.web.rounds import Rounds, start_rounds

__all__ = ["JOBS", "build_rounds", "run_round", "start_jobs"]

log = logging.getLogger(__name__)


def _closings(app: Flask) -> Callable[[], Any]:
    from pollserver.ops.closings import Closings

    held = services_of(app)
    return Closings(held.store, held.now).run_once


def _mail(app: Flask) -> Callable[[], Any]:
    from pollserver.mail.service import build_sender

    return build_sender(app).run_once


def _webhooks(app: Flask) -> Callable[[], Any]:
    from pollserver.webhooks.service import build_webhook_sender

    return build_webhook_sender(app).run_once


def _publish(app: Flask) -> Callable[[], Any]:
    from pollserver.ops.publish import Publisher

    held = services_of(app)
    settings = held.settings
    assert settings.publish_command
    return Publisher(held.store, settings.publish_command, held.now, settings.data_dir,
                     quiet=timedelta(seconds=settings.publish_quiet)).run_once


def _exit_status(status: Any) -> str | None:
    """The publisher's verdict: nothing ran (``None``), ran fine, or exited non-zero."""
    return None if status is None else "" if status == 0 else f"exit status {status}"


#: Every job: its name (``POLLSERVER_JOBS``), how to build its round for an app, and how a
#: round's result reads as an error. The intervals are ``domain/jobs.py``'s.
JOBS: dict[str, tuple[Callable[[Flask], Callable[[], Any]], Callable[[Any], str | None]]] = {
    "closings": (_closings, lambda _r: ""),
    "mail": (_mail, lambda _r: ""),
    "webhooks": (_webhooks, lambda _r: ""),
    "publish": (_publish, _exit_status),
}
assert list(JOBS) == list(INTERVALS), "every job needs an interval and a builder"


def build_rounds(app: Flask, names: list[str] | None = None, *, every: float = 0.0
                 ) -> dict[str, Callable[[], Any]]:
    """Each chosen job's recording round for ``app`` (default: ``POLLSERVER_JOBS``);
    ``every`` is the caller's own pace when it is slower than the job's interval."""
    held = services_of(app)
    settings = held.settings
    chosen = enabled_jobs(settings.jobs if names is None else names, settings.publish_command)
    rounds = {}
    for name in chosen:
        build, failed = JOBS[name]
        rounds[name] = recorded(name, build(app), settings.data_dir, held.now,
                                interval=max(INTERVALS[name], every),
                                failed=failed)
    return rounds


def start_jobs(app: Flask, names: list[str] | None = None) -> dict[str, Rounds]:
    """Start the chosen jobs in daemon threads of this process (once per app)."""
    started = {}
    for name, round_ in build_rounds(app, names).items():
        started[name] = start_rounds(app, lambda r=round_: r, name=f"pollserver-{name}",
                                     interval=INTERVALS[name])
    if started:
        log.info("background jobs running here: %s", ", ".join(started))
    return started


def run_round(rounds: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run one round of every job in order; a job that raises is logged, the rest go on."""
    results: dict[str, Any] = {}
    for name, round_ in rounds.items():
        try:
            results[name] = round_()
        except Exception:  # the next round retries; the record says what went wrong
            log.exception("job %s: round failed", name)
            results[name] = None
    return results
