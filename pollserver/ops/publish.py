"""The publish loop: rebuild the static site after changes it shows, debounced.

With ``POLLSERVER_PUBLISH_COMMAND`` set (``make publish``, a CI trigger ...) the
:class:`Publisher` waits until no such change has come for ``quiet`` seconds (a burst of ten
closes gives one run), claims every pending ``publish`` row (so two publishers never run at
once on the same changes: the claim is a lease, ``SKIP LOCKED`` on PostgreSQL), runs the command
once and finishes the rows: done on exit 0, tried again later otherwise. Each run's exit status
and output go to ``var/publish.json`` for the admin.

Without the command, pending rows are what the site does not show yet: the dashboard lists
them ("the site shows older results: rebuild"), and the build's ``pollserver results`` step
marks the ones it baked (:func:`mark_baked`).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pollserver.domain.outbox import Delivery
from pollserver.domain.publish import PUBLISH
from pollserver.store.base import Store

__all__ = ["Publisher", "describe", "last_run", "mark_baked", "unpublished"]

#: Longer than any build: a publisher that died mid-run lets its claim lapse after this.
LEASE = timedelta(minutes=30)
#: A failed run is tried again after this, up to :data:`TRIES` times.
RETRY = timedelta(minutes=5)
TRIES = 5
#: Most output kept per run.
OUTPUT_MAX = 8000


def unpublished(store: Store, limit: int = 200) -> list[Delivery]:
    """Changes the static site does not show yet (pending ``publish`` rows), newest first."""
    return [d for d in store.list_deliveries(PUBLISH, limit=limit) if d.status == "pending"]


def mark_baked(store: Store, baked_at: datetime) -> int:
    """Mark the changes written before ``baked_at`` as published (the build read the store's
    results at ``baked_at``); return how many. Rows a publisher holds are left to it."""
    claim = f"baked-{uuid.uuid4().hex}"
    done = 0
    while rows := store.claim_deliveries(PUBLISH, now=baked_at, lease=LEASE, claim=claim,
                                         limit=500, created_before=baked_at):
        for row in rows:
            done += store.finish_delivery(row.id, claim, at=baked_at)
        if len(rows) < 500:
            break
    return done


def _record(path: Path, run: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(run, indent=1), encoding="utf-8")
    tmp.replace(path)


def last_run(data_dir: Path) -> dict[str, Any] | None:
    """The last run's record (time, command, exit status, output, changes), if any."""
    path = Path(data_dir) / "publish.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


@dataclass
class Publisher:
    """Run the publish command once per quiet burst of changes."""

    store: Store
    command: str
    clock: Callable[[], datetime]
    data_dir: Path
    quiet: timedelta = timedelta(seconds=30)
    timeout: float = 1800.0
    run_command: Callable[[list[str], float], tuple[int, str]] | None = None

    def __post_init__(self) -> None:
        self._one_at_a_time = threading.Lock()

    def run_once(self) -> int | None:
        """Run the command if changes are waiting and the last one is ``quiet`` old; return
        its exit status, or ``None`` when nothing ran."""
        if not self._one_at_a_time.acquire(blocking=False):
            return None
        try:
            return self._run()
        finally:
            self._one_at_a_time.release()

    def _run(self) -> int | None:
        now = self.clock()
        waiting = unpublished(self.store, limit=1)
        if not waiting or waiting[0].created_at > now - self.quiet:
            return None  # nothing to do, or changes still coming in
        claim = uuid.uuid4().hex
        rows = self.store.claim_deliveries(PUBLISH, now=now, lease=LEASE, claim=claim,
                                           limit=1000)
        if not rows:
            return None  # another publisher holds them
        status, output = (self.run_command or _subprocess)(shlex.split(self.command),
                                                           self.timeout)
        changes = [describe(d) for d in rows]
        _record(Path(self.data_dir) / "publish.json", {
            "at": now.isoformat(), "command": self.command, "exit": status,
            "output": output[-OUTPUT_MAX:], "changes": changes})
        for row in rows:
            again = status != 0 and row.attempts < TRIES
            self.store.finish_delivery(row.id, claim, at=now,
                                       error=None if status == 0 else f"exit {status}",
                                       retry_at=now + RETRY if again else None)
        return status


def describe(d: Delivery) -> str:
    """One line for a change: its type, title and time."""
    if d.event is None:
        return d.event_id
    title = d.event.data.get("title", d.event.data.get("id", ""))
    return f"{d.event.type}: {title} ({d.event.created_at:%Y-%m-%d %H:%M} UTC)"


def _subprocess(argv: list[str], timeout: float) -> tuple[int, str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, f"{exc.__class__.__name__}: {exc}"
    return done.returncode, (done.stdout + done.stderr)

