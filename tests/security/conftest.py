"""Helpers for the security tests: seeded items, and real server processes on free ports.

Security properties that depend on the process (gunicorn's access log, shared Redis limits)
are checked against real servers started the way ``pollserver serve`` starts them, because
an in-process test client would not exercise the code paths an attacker reaches.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import requests

from pollserver.store.base import Store
from tests.conftest import make_item
from tests.instant import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]

#: Blocks of one poll, one jam and one survey, as an editor would write them.
POLL = {"id": "p", "question": "Which day?", "options": ["Monday", "Wednesday"],
        "changeable": True}
JAM = {"id": "j", "title": "Ideas", "votes_per_person": 3}
SURVEY = {"id": "s"}


def seed(store: Store) -> dict[str, str]:
    """Sync a poll, a jam with one published idea and a survey; return their ids."""

    store.sync_items([make_item("poll", **POLL), make_item("jam", **JAM),
                      make_item("survey", **SURVEY)])
    idea = store.add_idea("j", title="Seed idea", body="", author=None, voter_id=None,
                          moderation="published", at=TEST_NOW)
    return {"poll_id": "p", "jam_id": "j", "survey_id": "s", "idea_id": idea.id}


def write_manifest(path: Path) -> Path:
    """Write a build manifest holding the seeded items (for ``pollserver sync``)."""
    entries = {"polls": [POLL], "jams": [JAM], "surveys": [SURVEY]}
    doc = {"version": 1}
    for plural, blocks in entries.items():
        doc[plural] = [{**b, "source": "content/t.md:1", "url": "/t.html"} for b in blocks]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


LISTENING = re.compile(r"Listening at: http://\S+:(\d+) ")


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a server process on ``data_dir`` (no static site)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLLSERVER_")}
    env.update({"POLLSERVER_DATA_DIR": str(data_dir), "POLLSERVER_SITE_DIR": "",
                "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


class Server:
    """One ``pollserver serve`` process with its stdout and stderr captured to files."""

    def __init__(self, host: str, env: dict[str, str], logs: Path) -> None:
        # Port 0: the server binds a free port itself and says which (no probe-then-bind race
        # with other test workers); wait_ready reads it from gunicorn's log.
        self.host, self.port, self.url = host, 0, ""
        logs = Path(tempfile.mkdtemp(prefix="server-", dir=logs))
        self.stdout_path = logs / "server.out"
        self.stderr_path = logs / "server.err"
        self._out: IO[bytes] = self.stdout_path.open("wb")
        self._err: IO[bytes] = self.stderr_path.open("wb")
        # The very command line of production: `pollserver serve` execs gunicorn with the
        # access-log format the privacy rules rely on.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pollserver.cli", "serve", "--host", host,
             "--port", "0", "--threads", "4"],
            cwd=ROOT, env=env, stdout=self._out, stderr=self._err)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until ``/api/health`` answers; fail with the server's stderr if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if not self.port:
                found = LISTENING.search(self.logs())
                if not found:
                    time.sleep(0.1)
                    continue
                self.port = int(found.group(1))
                shown = f"[{self.host}]" if ":" in self.host else self.host
                self.url = f"http://{shown}:{self.port}"
            try:
                if requests.get(self.url + "/api/health", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        pytest.fail(f"server on {self.url} did not start:\n{self.logs()}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM) so gunicorn flushes its logs and the store snapshots."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()
        self._err.close()

    def logs(self) -> str:
        """Return what the server printed so far (both streams)."""
        self._out.flush()
        self._err.flush()
        return (self.stdout_path.read_text(errors="replace")
                + self.stderr_path.read_text(errors="replace"))


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator:
    """``start_server(env, host=...)`` starts a ready server; all are stopped afterwards."""
    started: list[Server] = []

    def start(env: dict[str, str], host: str = "127.0.0.1") -> Server:
        server = Server(host, env, tmp_path)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()
