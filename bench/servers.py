"""Start and stop gunicorn for the benchmarks, and read worker memory.

Every server is started in its own process group and registered here, so ``stop_all``
(called on normal exit, on Ctrl-C and on SIGTERM by ``run.py``) ends exactly the processes
the bench started -- by process group id, never by name.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["GUNICORN_ARGS", "Server", "free_port", "running", "stop_all"]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: The gunicorn settings every comparison uses for both its baseline and its subject.
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "8",
                 "--no-control-socket", "--keep-alive", "30", "--backlog", "256",
                 "--log-level", "warning"]

_live: list[Server] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_args(workers: int | None = None, threads: int | None = None) -> list[str]:
    args = list(GUNICORN_ARGS)
    if workers is not None:
        args[args.index("--workers") + 1] = str(workers)
    if threads is not None:
        args[args.index("--threads") + 1] = str(threads)
    return args


class Server:
    """One gunicorn master (and its workers) on a free 127.0.0.1 port."""

    def __init__(self, app: str, env: Mapping[str, str], args: list[str], log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        cmd = [str(BIN / "gunicorn"), *args, "--bind", f"127.0.0.1:{self.port}", app]
        self.cmd = cmd
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        full_env = dict(os.environ)
        full_env.update(env)
        full_env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *filter(None, [full_env.get("PYTHONPATH")])])
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _live.append(self)

    def wait_ready(self, ready_path: str, timeout: float = 60.0) -> None:
        """Wait until every worker is up and ``GET ready_path`` answers 200 (workers load
        the app, and so the store's snapshot, after gunicorn has bound the port)."""
        from bench.loadgen import build_request, fetch

        deadline = time.monotonic() + timeout
        request = build_request("GET", ready_path, self.port)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see "
                                   f"{self.log_path}:\n{self.log_tail()}")
            if len(self.worker_pids()) >= self._workers():
                with contextlib.suppress(OSError):
                    if all(fetch(self.port, request, timeout=timeout)[0] == 200
                           for _ in range(2 * self._workers())):
                        return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start in {timeout} s:\n{self.log_tail()}")

    def _workers(self) -> int:
        return int(self.cmd[self.cmd.index("--workers") + 1]) if "--workers" in self.cmd else 1

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's children (the workers)."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def worker_rss_mb(self) -> list[float]:
        """Return each worker's VmRSS in MB (from /proc/PID/status)."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """Return the user+system CPU the workers used so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self, grace: float = 30.0) -> None:
        """SIGTERM the process group, then SIGKILL it if it lingers ``grace`` seconds (at
        once when ``grace`` is 0: a worker stuck in a runaway request)."""
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM if grace > 0 else signal.SIGKILL)
            try:
                self.proc.wait(timeout=max(grace, 1.0))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        else:  # the master is gone; make sure no orphaned worker of its group stays
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def stop_all() -> None:
    """Stop every server still running (Ctrl-C, errors, exit)."""
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.stop()


@contextlib.contextmanager
def running(app: str, env: Mapping[str, str], args: list[str], log: Path, ready_path: str,
            timeout: float = 120.0) -> Iterator[Server]:
    """Run a gunicorn server for the duration of the block."""
    server = Server(app, env, args, log)
    try:
        server.wait_ready(ready_path, timeout)
        yield server
    finally:
        server.stop()
