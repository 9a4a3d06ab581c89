"""The background jobs by name, how often each runs, and what its last runs say about it.

The hub's promises outside a request (followers are mailed, webhooks fire, closings are
announced, the static site is rebuilt) are kept by a few jobs that run in rounds. This module
is their schedule and their health, as pure functions of what each job last recorded and
``now``: ``/api/health``, the admin dashboard and ``pollserver attention`` all read it, so
they can never disagree. Which code a job runs is ``pollserver/jobs.py`` (one list, the same
names); where the records live is ``pollserver/ops/jobstate.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pollserver.domain.attention import Notice
from pollserver.domain.outbox import Delivery
from pollserver.domain.webhooks import Endpoint

__all__ = ["INTERVALS", "LATE_AFTER", "JobRecord", "enabled_jobs", "job_status",
           "runtime_notices"]

#: Every job and the seconds between its rounds, in the order a worker round runs them:
#: closings first, so what closed is mailed, posted and published in the same round.
INTERVALS: dict[str, float] = {"closings": 5.0, "mail": 5.0, "webhooks": 2.0, "publish": 5.0}

#: A job whose last round is this many intervals old is late (its process is not running).
LATE_AFTER = 5


@dataclass(frozen=True)
class JobRecord:
    """What a job's rounds left: the last round's time and error, the last good round."""

    name: str
    at: datetime | None = None
    error: str = ""
    ok_at: datetime | None = None
    interval: float = 5.0

    @classmethod
    def from_json(cls, name: str, raw: Mapping[str, Any]) -> JobRecord:
        """Read a record written by :meth:`as_json` (bad values read as absent)."""
        def when(key: str) -> datetime | None:
            try:
                return datetime.fromisoformat(str(raw[key]))
            except (KeyError, TypeError, ValueError):
                return None

        return cls(name, when("at"), str(raw.get("error") or ""), when("ok_at"),
                   float(raw.get("interval") or INTERVALS.get(name, 5.0)))

    def as_json(self) -> dict[str, Any]:
        """The record as JSON values."""
        return {"at": self.at.isoformat() if self.at else None, "error": self.error,
                "ok_at": self.ok_at.isoformat() if self.ok_at else None,
                "interval": self.interval}


def enabled_jobs(wanted: Iterable[str], publish_command: str | None) -> list[str]:
    """The jobs a process runs for the ``POLLSERVER_JOBS`` value ``wanted`` (``all`` for every
    one); the publisher only when a publish command is set. Unknown names raise."""
    names = list(wanted)
    unknown = [n for n in names if n != "all" and n not in INTERVALS]
    if unknown:
        raise ValueError(f"unknown job(s) {', '.join(unknown)}: choose from "
                         f"{', '.join(INTERVALS)} or all")
    chosen = list(INTERVALS) if "all" in names else [n for n in INTERVALS if n in names]
    return [n for n in chosen if n != "publish" or publish_command]


def job_status(record: JobRecord | None, now: datetime, *, expected: bool = True) -> str:
    """``ok``, ``failing`` (the last round raised), ``late`` (no round for
    :data:`LATE_AFTER` intervals), ``never`` (no round yet) or ``off`` (not expected to run
    anywhere and never ran)."""
    if record is None or record.at is None:
        return "never" if expected else "off"
    if now - record.at > timedelta(seconds=record.interval * LATE_AFTER):
        return "late"
    return "failing" if record.error else "ok"


#: A webhook endpoint failing this long is worth a person's look (it is switched off later).
WEBHOOK_FAILING = timedelta(hours=1)


def runtime_notices(records: Mapping[str, JobRecord | None], now: datetime, *,
                    publish_run: Mapping[str, Any] | None = None,
                    mail: Sequence[Delivery] = (),
                    endpoints: Sequence[Endpoint] = (),
                    untouched: Mapping[str, Sequence[Delivery]] | None = None) -> list[Notice]:
    """What the operator must fix for the hub to keep its promises: a job failing or late, the
    last publish run failed, mail that cannot be sent, a webhook endpoint failing for
    :data:`WEBHOOK_FAILING` or switched off. A job that never ran here is not listed (its
    records may be on the host that runs it); what it should have sent is: ``untouched`` maps a
    job to rows never tried (confirmation mail, webhook deliveries), listed once the oldest has
    waited :data:`LATE_AFTER` intervals."""
    found = []
    for name, rows in (untouched or {}).items():
        waiting = [d for d in rows if d.status == "pending" and d.attempts == 0
                   and now - d.created_at > timedelta(seconds=INTERVALS[name] * LATE_AFTER)]
        if waiting:
            oldest = min(d.created_at for d in waiting)
            found.append(Notice("job-not-running", f"{len(waiting)} {name} deliver"
                                f"{'y has' if len(waiting) == 1 else 'ies have'} waited since "
                                f"{oldest:%Y-%m-%d %H:%M} UTC: no process runs the {name} job "
                                "(POLLSERVER_JOBS, or `pollserver worker`)"))
    for name, record in records.items():
        state = job_status(record, now)
        if state == "failing" and record is not None:
            found.append(Notice("job-failing", f"The {name} job fails: {record.error}"))
        elif state == "late" and record is not None and record.at is not None:
            minutes = int((now - record.at).total_seconds() // 60)
            found.append(Notice("job-late", f"The {name} job has not run for {minutes} "
                                "minutes: is the process that runs it (gunicorn or "
                                "`pollserver worker`) up?"))
    if publish_run and publish_run.get("exit") not in (0, None):
        found.append(Notice("publish-failed", "The publish command failed (exit status "
                            f"{publish_run.get('exit')} at {publish_run.get('at', '?')}): the "
                            "site is not rebuilt; see its output on the dashboard"))
    broken = [d for d in mail if d.last_error and d.last_error != "nothing to send"
              and (d.status == "pending"
                   or (d.status == "failed" and now - d.created_at <= timedelta(days=1)))]
    if broken:
        found.append(Notice("mail-failing", f"{len(broken)} mail{'s' if len(broken) != 1 else ''}"
                            f" cannot be sent (last error: {broken[0].last_error})"))
    for endpoint in endpoints:
        if endpoint.disabled_reason:
            found.append(Notice("webhook-failing", f"Webhook {endpoint.url} was switched off: "
                                f"{endpoint.disabled_reason}"))
        elif endpoint.failing_since and now - endpoint.failing_since >= WEBHOOK_FAILING:
            hours = int((now - endpoint.failing_since).total_seconds() // 3600)
            found.append(Notice("webhook-failing", f"Webhook {endpoint.url} has failed for "
                                f"{hours} hour{'s' if hours != 1 else ''}"))
    return found
