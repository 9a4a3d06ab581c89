"""Where background jobs leave their last run and last error: one small file per job.

``var/jobs/NAME.json`` beside the embedded store and ``publish.json``, written whole and
renamed into place, so a reader (``/api/health``, the dashboard, ``pollserver attention``)
never sees half a record, whichever process or thread wrote it. The records are the host's:
on several hosts, ask the host that runs the jobs (``POLLSERVER_JOBS``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pollserver.domain.attention import Notice
from pollserver.domain.events import WEBHOOK
from pollserver.domain.jobs import (
    INTERVALS,
    JobRecord,
    enabled_jobs,
    job_status,
    runtime_notices,
)
from pollserver.domain.outbox import CONFIRM, MAIL
from pollserver.store.base import Store

__all__ = ["jobs_health", "read_job", "read_jobs", "recorded", "runtime_attention"]

_lock = threading.Lock()


def _path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "jobs" / f"{name}.json"


def read_job(data_dir: Path, name: str) -> JobRecord | None:
    """The job's record, or ``None`` when it never ran here."""
    try:
        raw = json.loads(_path(data_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return JobRecord.from_json(name, raw) if isinstance(raw, dict) else None


def read_jobs(data_dir: Path) -> dict[str, JobRecord | None]:
    """Every job's record by name (``None`` for a job that never ran here)."""
    return {name: read_job(data_dir, name) for name in INTERVALS}


def _write(data_dir: Path, record: JobRecord) -> None:
    path = _path(data_dir, record.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{record.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(record.as_json()), encoding="utf-8")
    tmp.replace(path)


def recorded(name: str, run_once: Callable[[], Any], data_dir: Path,
             clock: Callable[[], datetime], *, interval: float,
             failed: Callable[[Any], str | None] = lambda _result: ""
             ) -> Callable[[], Any]:
    """Wrap a job's round so each one records its time and error; ``failed`` turns a round's
    result into an error text (the publisher's non-zero exit), ``""`` for a good round or
    ``None`` when the round did nothing that says either (the last verdict stands). A raised
    error is recorded and raised again, so the round's loop logs it."""
    def round_() -> Any:
        at = clock()
        try:
            result = run_once()
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:300]
            _save(data_dir, JobRecord(name, at, error, None, interval), keep_ok=True)
            raise
        verdict = failed(result)
        if verdict is None:
            before = read_job(data_dir, name)
            verdict = before.error if before else ""
        _save(data_dir, JobRecord(name, at, verdict, at, interval), keep_ok=bool(verdict))
        return result
    return round_


def _save(data_dir: Path, record: JobRecord, *, keep_ok: bool) -> None:
    with _lock:
        if keep_ok:
            before = read_job(data_dir, record.name)
            record = JobRecord(record.name, record.at, record.error,
                               before.ok_at if before else None, record.interval)
        _write(data_dir, record)


def jobs_health(data_dir: Path, publish_command: str | None, now: datetime
                ) -> dict[str, dict[str, Any]]:
    """Each job's status, last run, last good run and last error, as this host recorded them
    (``/api/health`` and the dashboard)."""
    expected = enabled_jobs(["all"], publish_command)
    return {name: {"status": job_status(record, now, expected=name in expected),
                   "last_run": record.at.isoformat() if record and record.at else None,
                   "last_ok": record.ok_at.isoformat() if record and record.ok_at else None,
                   "last_error": record.error if record else ""}
            for name, record in read_jobs(data_dir).items()}


def runtime_attention(store: Store, data_dir: Path, now: datetime) -> list[Notice]:
    """The runtime's part of "Needs your attention": jobs, the last publish run, mail that
    cannot be sent, failing webhook endpoints (``domain/jobs.runtime_notices``)."""
    from pollserver.ops.publish import last_run

    mail = [d for consumer in (MAIL, CONFIRM)
            for d in store.list_deliveries(consumer, limit=200)]
    untouched = {"mail": [d for d in mail if d.consumer == CONFIRM],  # never held for digests
                 "webhooks": store.list_deliveries(WEBHOOK, limit=200)}
    return runtime_notices(read_jobs(data_dir), now, publish_run=last_run(data_dir),
                           mail=mail, endpoints=store.list_webhooks(), untouched=untouched)
