"""A real gunicorn running pollserver, for the crash and concurrency tests.

It runs in its own process group, so a test can ``kill -9`` the master and every worker at
once (``os.killpg``), exactly like a machine losing power, and start it again on the same
data dir.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import spec_to_manifest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def bound_socket() -> socket.socket:
    """Return a socket bound to a free loopback port, to hand to the server.

    Probing a port, closing it and starting a server on it races with other test workers;
    a socket that stays bound until the server has inherited it cannot be taken.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for the CLI and gunicorn: this data dir, no site, no rate limits."""
    return {**os.environ, "POLLSERVER_DATA_DIR": str(data_dir), "POLLSERVER_SITE_DIR": "",
            "POLLSERVER_RATE_LIMITS": "off", "PYTHONPATH": str(ROOT), **extra}


def sync_polls(data_dir: Path, *blocks: dict[str, Any]) -> None:
    """Create polls the way a deploy does: a manifest file and ``pollserver sync``."""
    sync_blocks(data_dir, polls=blocks)


def sync_blocks(data_dir: Path, polls: Sequence[dict[str, Any]] = (),
                jams: Sequence[dict[str, Any]] = (), surveys: Sequence[dict[str, Any]] = (),
                **env: str) -> None:
    """Create items of every kind the way a deploy does: a manifest and ``pollserver sync``."""
    doc: dict[str, Any] = {"version": 1}
    for kind, plural, blocks in (("poll", "polls", polls), ("jam", "jams", jams),
                                 ("survey", "surveys", surveys)):
        doc[plural] = [{**spec_to_manifest(parse_spec(kind, block)),
                        "source": "content/x.md:1", "url": "/x.html"} for block in blocks]
    manifest = data_dir.parent / "manifest.json"
    manifest.write_text(json.dumps(doc))
    cli(data_dir, "sync", "--manifest", str(manifest), **env)


def cli(data_dir: Path, *args: str, stdin: str = "", **env: str) -> str:
    """Run ``pollserver ARGS`` on ``data_dir`` (or the database ``env`` names); return stdout."""
    done = subprocess.run([str(BIN / "pollserver"), *args], cwd=ROOT, input=stdin, text=True,
                          env=server_env(data_dir, **env), check=True, capture_output=True)
    return done.stdout


class Gunicorn:
    """``gunicorn -w 2`` (or ``workers``) ``-k gthread --threads 4`` on a fresh port, in its
    own process group."""

    def __init__(self, data_dir: Path, log: Path, workers: int = 2, **env: str) -> None:
        self.data_dir, self.log, self.env, self.workers = data_dir, log, env, workers
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def start(self, timeout: float = 30) -> Gunicorn:
        """Start and wait until it answers ``/api/health``."""
        with bound_socket() as sock:
            self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
            cmd = [str(BIN / "gunicorn"), "--no-control-socket", "-w", str(self.workers),
                   "-k", "gthread", "--threads", "4", "-b", f"fd://{sock.fileno()}",
                   "pollserver.wsgi:app"]
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(
                    cmd, cwd=ROOT, env=server_env(self.data_dir, **self.env), stdout=log,
                    stderr=log, start_new_session=True, pass_fds=(sock.fileno(),))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/api/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """``kill -9`` the master and all workers at once."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """Shut down gracefully (the workers close their stores: a final snapshot)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def vote(self, session: requests.Session | Any, poll_id: str, *choices: str
             ) -> requests.Response:
        """Vote as the voter whose cookies ``session`` holds (``requests`` = a new voter)."""
        return session.post(f"{self.base}/api/polls/{poll_id}/vote",
                            json={"choices": list(choices)}, headers={"Origin": self.base},
                            timeout=30)

    def poll(self, poll_id: str, session: requests.Session | Any = requests) -> dict[str, Any]:
        """Return the poll's public JSON."""
        response = session.get(f"{self.base}/api/polls/{poll_id}", timeout=30)
        assert response.status_code == 200, response.text
        return response.json()
