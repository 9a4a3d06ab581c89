"""Goal 5 of issue 30: the embed's weight and its first vote's round trip.

Weight: ``GET /embed.js`` and every module it imports from the same server (static
``import ... from "..."`` and ``import("...")``), plus one widget's data (the poll's JSON),
each as it goes over the wire to a browser that accepts brotli: the server's own encoding
when it sends one, else brotli (quality 11; gzip when brotli is not installed) computed here.
When the server has no ``/embed.js`` yet the row says "missing" (never a crash).

Round trip: ``samples`` first votes, each by a new voter on a new connection (no cookie),
sent with the ``Origin`` of a page embedding the widget on another loopback origin (listed in
``POLLSERVER_EMBED_ORIGINS``) or, when that origin is refused, of the hub itself; the p99 of
the time from sending the POST to reading the whole answer.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from bench import prefill
from bench.benches import EMBEDDED, POLLSERVER_APP, _pollserver_env, _workdir
from bench.servers import gunicorn_args, running

__all__ = ["bench_embed", "compressed_size", "imports_of"]

EMBED_ORIGIN = "http://127.0.0.2:8081"
_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bimport\s*\(\s*)["']([^"']+)["']""")


def compressed_size(body: bytes, encoding: str | None) -> tuple[int, str]:
    """Bytes on the wire: as sent when the server encoded it, else brotli/gzip made here."""
    if encoding in ("br", "gzip"):
        return len(body), f"{encoding} (server)"
    try:
        import brotli

        return len(brotli.compress(body, quality=11)), "br (computed)"
    except ImportError:
        return len(gzip.compress(body, 9)), "gzip (computed)"


def imports_of(script: str, base: str) -> list[str]:
    """Paths on the same server that ``script`` (served at ``base``) imports."""
    out = []
    for spec in _IMPORT.findall(script):
        if spec.startswith(("/", "./", "../")):
            path = urlsplit(urljoin(f"http://x{base}", spec)).path
            if path not in out:
                out.append(path)
    return out


def _request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
             body: bytes | None = None) -> tuple[int, bytes, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read(), resp.getheader("Content-Encoding")
    finally:
        conn.close()


def _weight(port: int) -> dict[str, Any] | None:
    """Sizes of embed.js, its imports and one poll's data; None when there is no embed.js."""
    accept = {"Accept-Encoding": "br, gzip"}
    status, body, enc = _request(port, "GET", "/embed.js", accept)
    if status != 200 or not body:
        return None
    files: dict[str, tuple[int, str]] = {}
    queue = ["/embed.js"]
    while queue and len(files) < 50:
        path = queue.pop(0)
        status, body, enc = _request(port, "GET", path, accept)
        if status != 200:
            files[path] = (0, f"HTTP {status}")
            continue
        files[path] = compressed_size(body, enc)
        plain = body if enc is None else _request(port, "GET", path)[1]
        queue.extend(p for p in imports_of(plain.decode(errors="replace"), path)
                     if p not in files and p not in queue)
    status, body, enc = _request(port, "GET", f"/api/polls/{prefill.POLL_ID}", accept)
    files[f"/api/polls/{prefill.POLL_ID} (widget data)"] = compressed_size(body, enc)
    return {"files": {k: {"bytes": v[0], "how": v[1]} for k, v in files.items()},
            "total": sum(v[0] for v in files.values())}


def _first_votes(port: int, samples: int) -> tuple[list[float], str]:
    """Round trips (ms) of ``samples`` cookie-less votes; and which Origin was accepted."""
    body = json.dumps({"choices": ["a"]}).encode()
    path = f"/api/polls/{prefill.POLL_ID}/vote"
    origin = EMBED_ORIGIN
    for candidate in (EMBED_ORIGIN, f"http://127.0.0.1:{port}"):
        status, _, _ = _request(port, "POST", path, {"Origin": candidate,
                                                     "Content-Type": "application/json"}, body)
        if status == 200:
            origin = candidate
            break
    times = []
    for _ in range(samples):
        headers = {"Origin": origin, "Content-Type": "application/json"}
        start = time.perf_counter()
        status, _, _ = _request(port, "POST", path, headers, body)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"a first vote answered {status}")
    return sorted(times), origin


def bench_embed(*, samples: int = 50, logs: Path | None = None,
                **_: Any) -> dict[str, Any]:
    """Goal 5: ``embed.js`` + one widget compressed, and the first vote's round trip."""
    args = gunicorn_args(EMBEDDED["workers"], EMBEDDED["threads"])
    work = _workdir(None)
    logs = logs or work
    try:
        data_dir = work / "var"
        prefill.prefill_tinydb(data_dir, poll_votes=1000)
        env = _pollserver_env(data_dir, POLLSERVER_EMBED_ORIGINS=EMBED_ORIGIN)
        with running(POLLSERVER_APP, env, args, logs / "embed-pollserver.log",
                     "/api/health") as subj:
            weight = _weight(subj.port)
            times, origin = _first_votes(subj.port, samples)
        if weight is None:
            size_row: dict[str, Any] = {
                "metric": "5. embed.js + one widget, compressed", "value": "missing",
                "target": "<= 15 KB", "ok": None,
                "detail": "GET /embed.js did not answer 200 in this checkout"}
        else:
            size_row = {"metric": "5. embed.js + one widget, compressed",
                        "value": weight["total"], "unit": "bytes", "target": "<= 15 KB",
                        "ok": weight["total"] <= 15 * 1024,
                        "detail": ", ".join(f"{k} {v['bytes']:,} ({v['how']})"
                                            for k, v in weight["files"].items())}
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        trip = {"metric": "5. first vote round trip", "value": round(p99, 1), "unit": "ms p99",
                "p50_ms": round(times[len(times) // 2], 2), "p99_ms": round(p99, 2),
                "target": "p99 <= 100 ms", "ok": p99 <= 100,
                "detail": f"{samples} new voters, new connection each, Origin {origin}"
                          + ("" if weight else " (no embed yet: the hub's own origin)")}
        return {"name": "embed", "rows": [size_row, trip],
                "raw": {"weight": weight, "round_trip_ms": times, "origin": origin}}
    finally:
        shutil.rmtree(work, ignore_errors=True)
