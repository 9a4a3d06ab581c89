"""The ceiling: bare Flask endpoints on the same Flask, gunicorn and settings as pollserver.

- ``POST /vote``: parse a JSON body, answer a small JSON object.
- ``GET /poll``: answer a small JSON object (a poll-sized document).
- ``GET /payload``: ``jsonify`` the document in ``BENCH_PAYLOAD_FILE`` on every request, so a
  big pollserver response is compared with bare Flask serialising the same JSON.
- ``POST /insert``: the same, plus one INSERT of a new voter's vote through the psycopg pool
  pollserver's PostgreSQL store opens (same class, same settings) on ``BENCH_DATABASE_URL``.
- ``GET /raw``: the bytes of ``BENCH_RAW_FILE`` as an HTML page (a server page's ceiling).
- ``GET /health``: readiness.

Run with ``gunicorn bench.baseline_app:app``.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from typing import Any

from flask import Flask, jsonify, request

app = Flask(__name__)
app.json.sort_keys = False

_PAYLOAD_FILE = os.environ.get("BENCH_PAYLOAD_FILE")
if _PAYLOAD_FILE:
    with open(_PAYLOAD_FILE, encoding="utf-8") as fh:
        PAYLOAD = json.load(fh)
else:
    PAYLOAD = {"ok": True}

POLL = {
    "id": "bench-poll",
    "question": "Which option?",
    "options": [{"key": k, "label": k.upper()} for k in "abcd"],
    "results": {"total": 100000, "counts": {k: 25000 for k in "abcd"}},
}


@app.post("/vote")
def vote():  # noqa: ANN201 - a bare Flask view on purpose
    data = request.get_json()
    return jsonify({"ok": True, "choices": data["choices"], **POLL})


_POOL: list[Any] = []
_POOL_LOCK = threading.Lock()


def _pool() -> Any:
    """The pollserver store's pool, opened in this worker on first use (after the fork)."""
    with _POOL_LOCK:
        if not _POOL:
            from pollserver.store.postgres import PostgresStore

            _POOL.append(PostgresStore(os.environ["BENCH_DATABASE_URL"], auto_upgrade=False).pool)
        return _POOL[0]


@app.post("/insert")
def insert():  # noqa: ANN201
    data = request.get_json()
    with _pool().connection() as conn:
        conn.execute("INSERT INTO bench_scratch.votes (poll_id, voter_id, choices, voted_at)"
                     " VALUES (%s, %s, %s, now())",
                     ("bench-poll", secrets.token_urlsafe(16), data["choices"]))
    return jsonify({"ok": True, "choices": data["choices"], **POLL})


@app.get("/poll")
def poll():  # noqa: ANN201
    return jsonify(POLL)


@app.get("/payload")
def payload():  # noqa: ANN201
    return jsonify(PAYLOAD)


_RAW_FILE = os.environ.get("BENCH_RAW_FILE")


@app.get("/raw")
def raw():  # noqa: ANN201
    with open(_RAW_FILE or os.devnull, "rb") as fh:  # read per request, as a view renders
        return fh.read(), 200, {"Content-Type": "text/html; charset=utf-8"}


@app.get("/health")
def health():  # noqa: ANN201
    return jsonify({"status": "ok"})
