"""Drive a server with ``wrk`` (a C load generator) and read its figures back as a LoadResult.

The in-process Python load generator takes a core from the server it measures; on a 2-core
box that halves the ceiling. ``wrk`` costs a fraction of that. A small Lua script sets the
request and prints, when the run ends, the counts and the latency percentiles as JSON; the
percentiles are turned into a latency list so :class:`bench.loadgen.LoadResult` (pooling,
nearest-rank percentiles) works unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.loadgen import LoadResult

__all__ = ["WRK", "have_wrk", "run_wrk"]

WRK = shutil.which("wrk") or "/usr/bin/wrk"

_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  local out = {}
  for i = 1, 1000 do out[i] = latency:percentile(i / 10) end
  io.write("WRK-JSON ", string.format(
    '{"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"latency_us":[%%s]}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, table.concat(out, ",")))
end
"""


def have_wrk() -> bool:
    return Path(WRK).is_file()


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for this text


def run_wrk(port: int, path: str, *, method: str = "GET", body: bytes = b"",
            headers: dict[str, str] | None = None, connections: int = 16,
            seconds: float = 8.0, warmup: float = 2.0, threads: int = 2) -> LoadResult:
    """Run ``wrk`` for ``warmup`` (discarded) then ``seconds``; return what it measured."""
    header_lines = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}"
                             for k, v in (headers or {}).items())
    script = _SCRIPT % {"method": _lua(method), "body": _lua(body.decode()),
                        "headers": header_lines}
    url = f"http://127.0.0.1:{port}{path}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        lua = fh.name
    try:
        base = [WRK, "-t", str(min(threads, connections)), "-c", str(connections), "-s", lua,
                "--timeout", "10s"]
        if warmup > 0:
            subprocess.run([*base, "-d", f"{max(1, round(warmup))}s", url], check=True,
                           capture_output=True, text=True)
        done = subprocess.run([*base, "-d", f"{max(1, round(seconds))}s", url], check=True,
                              capture_output=True, text=True)
    finally:
        Path(lua).unlink(missing_ok=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line[len("WRK-JSON "):])
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    # 1,000 evenly spaced percentiles stand in for the individual latencies.
    latencies = [us / 1e6 for us in data["latency_us"]]
    return LoadResult(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                      errors=errors, statuses={}, latencies=latencies,
                      response_bytes=data["bytes"])
