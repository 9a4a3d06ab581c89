"""``GET /api/health``: is the server up, can its store serve, are rate limits shared.

200 with ``status`` "ok" (or "degraded" with ``warnings`` when the shared rate-limit storage
is unreachable and limits are counted per process), 503 "unavailable" with ``Retry-After``
when the store cannot serve. ``jobs`` gives each background job's status (``ok``,
``failing``, ``late``, ``never``, ``off``), last run and last error. ``worker`` (and the
``X-Worker`` header on every API answer) tells the gunicorn workers apart (a keyed hash of
the process id, so it says nothing about the host) for tests and load balancer logs.
"""

from __future__ import annotations

import hashlib
import os

from flask import Response, current_app, jsonify

from pollserver.api import bp
from pollserver.errors import StoreUnavailable
from pollserver.ops.jobstate import jobs_health
from pollserver.web.context import get_store, now, services

_tags: dict[tuple[int, str], str] = {}


def worker_tag() -> str:
    """Eight hex digits that differ between the processes serving one site."""
    key = (os.getpid(), str(current_app.config["SECRET_KEY"]))
    tag = _tags.get(key)
    if tag is None:
        digest = hashlib.sha256(f"{key[1]}:worker:{key[0]}".encode()).hexdigest()[:8]
        tag = _tags[key] = digest
    return tag


@bp.after_request
def tag_worker(response: Response) -> Response:
    """Name the worker in every API answer (``X-Worker``), so multi-process tests and
    operators can tell which process answered; the tag reveals nothing else."""
    response.headers["X-Worker"] = worker_tag()
    return response


def _jobs() -> dict[str, dict[str, object]]:
    """Each job's status and times; not its last error, which may name a recipient, a host
    or an endpoint (editors read it on the dashboard)."""
    settings = services().settings
    return {name: {key: value for key, value in job.items() if key != "last_error"}
            for name, job in jobs_health(settings.data_dir, settings.publish_command,
                                         now()).items()}


@bp.get("/health")
def health() -> Response:
    """Report liveness, the store backend and whether it can serve right now."""
    store = get_store()
    problem = store.health()
    warnings = [w for w in [services().limits.warning()] if w]
    if problem:
        warnings.insert(0, f"store unavailable: {problem}")
    status = "unavailable" if problem else "degraded" if warnings else "ok"
    response = jsonify({"status": status, "store": store.backend, "worker": worker_tag(),
                        "warnings": warnings, "jobs": _jobs()})
    if problem:
        response.status_code = 503
        response.headers["Retry-After"] = str(StoreUnavailable.retry_after)
    return response
