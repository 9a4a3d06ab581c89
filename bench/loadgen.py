"""A small closed-loop HTTP/1.1 load generator: keep-alive sockets, one thread per connection.

Each connection sends one request, reads the whole response (status line, headers,
``Content-Length`` body), records the latency and sends the next. Requests are pre-encoded
bytes, so the client's own cost per request is a ``sendall``, a few ``recv`` calls and a
header scan -- small next to a Flask request, and the same for a baseline and its subject.

Only ``127.0.0.1`` is ever contacted. A run is bounded by time *and* by request count.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["LoadResult", "build_request", "fetch", "run_load"]

HOST = "127.0.0.1"


def build_request(method: str, path: str, port: int, *, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> bytes:
    """Return the bytes of one keep-alive request to ``127.0.0.1:port``."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive",
             "Accept: application/json"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Conn:
    """One keep-alive connection that reads whole responses."""

    def __init__(self, port: int, timeout: float) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, data: bytes) -> tuple[int, bytes, bool]:
        """Send ``data``; return (status, body, server keeps the connection open)."""
        self.sock.sendall(data)
        buf = self.buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            buf += chunk
        head = buf[:end].decode("latin-1")
        status = int(head[9:12])
        length = 0
        keep = True
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                keep = False
            elif name == "transfer-encoding":
                raise ConnectionError("chunked responses are not supported by the bench client")
        start = end + 4
        while len(buf) - start < length:
            chunk = self.sock.recv(max(65536, length - (len(buf) - start)))
            if not chunk:
                raise ConnectionError("server closed the connection mid-body")
            buf += chunk
        body = buf[start:start + length]
        self.buf = buf[start + length:]
        return status, body, keep

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def fetch(port: int, data: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    """Send one request on a fresh connection; return (status, body)."""
    conn = _Conn(port, timeout)
    try:
        status, body, _ = conn.request(data)
        return status, body
    finally:
        conn.close()


@dataclass
class LoadResult:
    """What one timed run measured (warm-up excluded)."""

    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    response_bytes: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
        return ordered[index] * 1000

    def merge(self, other: LoadResult) -> LoadResult:
        statuses = dict(self.statuses)
        for code, n in other.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
        return LoadResult(self.requests + other.requests, self.seconds + other.seconds,
                          self.errors + other.errors, statuses,
                          self.latencies + other.latencies,
                          self.response_bytes + other.response_bytes)


def run_load(port: int, requests: Sequence[bytes] | Callable[[int, int], bytes], *,
             connections: int = 8, seconds: float = 5.0, warmup: float = 1.0,
             max_requests: int = 1_000_000, timeout: float = 30.0,
             ok: Callable[[int], bool] = lambda s: 200 <= s < 300) -> LoadResult:
    """Drive ``connections`` keep-alive connections for ``warmup + seconds``.

    ``requests`` is a list cycled through per connection, or ``f(conn_index, i)`` returning
    the bytes of request ``i`` of a connection. Only requests that *start* after the warm-up
    are counted; the run stops at ``seconds`` or once ``max_requests`` were counted.
    """
    if callable(requests):
        make = requests
    else:
        pool = list(requests)

        def make(c: int, i: int) -> bytes:
            return pool[(c + i) % len(pool)]

    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds
    counted = [0]
    count_lock = threading.Lock()
    results = [LoadResult() for _ in range(connections)]
    failures: list[BaseException] = []

    def worker(c: int) -> None:
        res = results[c]
        conn: _Conn | None = None
        i = 0
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    break
                measuring = t0 >= measure_from
                if measuring:
                    with count_lock:
                        if counted[0] >= max_requests:
                            break
                        counted[0] += 1
                data = make(c, i)
                i += 1
                try:
                    if conn is None:
                        conn = _Conn(port, timeout)
                    status, body, keep = conn.request(data)
                except OSError:
                    if conn is not None:
                        conn.close()
                    conn = None
                    if measuring:
                        res.errors += 1
                        res.requests += 1
                    time.sleep(0.01)
                    continue
                t1 = time.perf_counter()
                if not keep:
                    conn.close()
                    conn = None
                if measuring:
                    res.requests += 1
                    res.latencies.append(t1 - t0)
                    res.statuses[status] = res.statuses.get(status, 0) + 1
                    res.response_bytes += len(body)
                    if not ok(status):
                        res.errors += 1
        except BaseException as exc:  # surfaced to the caller below
            failures.append(exc)
        finally:
            if conn is not None:
                conn.close()

    threads = [threading.Thread(target=worker, args=(c,), daemon=True)
               for c in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(warmup + seconds + timeout + 5)
    elapsed = min(time.perf_counter(), stop_at) - measure_from
    if failures:
        raise failures[0]
    total = LoadResult()
    for res in results:
        total = total.merge(res)
    total.seconds = max(elapsed, 1e-9)
    return total
