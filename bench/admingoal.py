"""Goal 4 of issue 30: the moderation page and the admin lists at 10,000 items.

The data dir holds a jam with ``items`` ideas (every fourth waiting for moderation, some
votes), ``items`` audit-log entries and an editor account. The bench signs in over HTTP
like a browser (login form, CSRF token, session cookie), then drives each admin page with
``wrk`` carrying that cookie and reports its p99 and bytes per page (as sent, and gzipped:
what a compressing proxy would send). Whatever the pages are (paginated or not) is measured
as it is; a page that does not answer 200 is reported, never a crash. The same-run baseline
is bare Flask answering the moderation page's own bytes from a file.
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import prefill
from bench.benches import (
    BASELINE_APP,
    EMBEDDED,
    POLLSERVER_APP,
    _pollserver_env,
    _row,
    _summary,
    _workdir,
)
from bench.goals import alternate, no_wrk
from bench.servers import Server, gunicorn_args, running
from bench.wrk import run_wrk

__all__ = ["PAGES", "bench_admin", "sign_in"]

EDITOR, PASSWORD = "bench", "bench-password-not-for-production"
#: The admin pages measured: (label, path). The jam's is the moderation page.
PAGES = [("moderation page /admin/jams/ID", f"/admin/jams/{prefill.JAM_ID}"),
         ("audit log /admin/audit", "/admin/audit"),
         ("dashboard /admin/", "/admin/"),
         ("survey answers /admin/answers", "/admin/answers"),
         ("rewards /admin/rewards", "/admin/rewards")]
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


#: A page slower than this on its first fetch is reported as such and not driven with wrk
#: (its p99 is at least that); one that does not answer within PROBE_TIMEOUT is "timed out",
#: and its server is killed at once (the worker would go on rendering it, eating memory) and
#: a fresh one started for the next page.
SLOW_PAGE = 2.0
PROBE_TIMEOUT = 10.0


def _get(port: int, path: str, cookie: str = "", timeout: float = 60.0
         ) -> tuple[int, bytes, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        resp = conn.getresponse()
        return resp.status, resp.read(), resp.getheaders()
    finally:
        conn.close()


def _session_cookie(headers: list[tuple[str, str]], previous: str) -> str:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("vh_editor="):
            return value.split(";", 1)[0]
    return previous


def sign_in(port: int) -> str:
    """Sign in as the bench editor; return the ``Cookie`` header value of the session."""
    status, body, headers = _get(port, "/admin/login")
    match = _CSRF.search(body.decode(errors="replace"))
    if status != 200 or not match:
        raise RuntimeError(f"GET /admin/login answered {status} without a CSRF token")
    cookie = _session_cookie(headers, "")
    form = urlencode({"csrf_token": match.group(1), "username": EDITOR, "password": PASSWORD,
                      "next": "/admin/"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/admin/login", body=form, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}"})
        resp = conn.getresponse()
        resp.read()
        cookie = _session_cookie(resp.getheaders(), cookie)
        if resp.status not in (302, 303):
            raise RuntimeError(f"POST /admin/login answered {resp.status}")
    finally:
        conn.close()
    return cookie


def _measure(subj: Server, label: str, path: str, cookie: str, work: Path, args: list[str],
             logs: Path, **load: Any) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Measure one page: its row, its raw figures, and whether the server must be replaced
    (the page timed out, or left the worker with a backlog)."""
    target = "p99 <= 300 ms; <= 200 KB"
    start = time.perf_counter()
    try:
        status, body, _ = _get(subj.port, path, cookie, timeout=PROBE_TIMEOUT)
    except TimeoutError:
        return ({"metric": f"4. {label}", "value": "timed out", "target": target, "ok": False,
                 "detail": f"no answer within {PROBE_TIMEOUT:g} s"},
                {"timed_out_s": PROBE_TIMEOUT}, True)
    took = time.perf_counter() - start
    size, packed = len(body), len(gzip.compress(body, 6))
    if status != 200:
        return ({"metric": f"4. {label}", "value": f"HTTP {status}",
                 "detail": "not measured (the page did not answer 200)"}, {"status": status},
                False)
    figures = {"bytes": size, "gzip_bytes": packed}
    if took > SLOW_PAGE:
        return ({"metric": f"4. {label}", "value": round(took * 1000), "unit": "ms (one fetch)",
                 "target": target, "ok": False, "detail": f"{size:,} bytes per page "
                 f"({packed:,} gzipped); too slow to drive with wrk"},
                {**figures, "single_fetch_s": round(took, 2)}, False)
    if path == PAGES[0][1]:
        page_file = work / "moderation.html"
        page_file.write_bytes(body)
        with running(BASELINE_APP, {"BENCH_RAW_FILE": str(page_file)}, args,
                     logs / "admin-baseline.log", "/health") as base:
            (b_res, b_cpu), (s_res, s_cpu) = alternate(
                [(base, {"path": "/raw"}), (subj, {"path": path, "headers": {"Cookie": cookie}})],
                **load)
        row = _row(f"4. {label}", s_res, b_res, None, p99_limit=300, cpu=(s_cpu, b_cpu))
        figures["baseline"] = _summary(b_res)
    else:
        s_res = run_wrk(subj.port, path, headers={"Cookie": cookie},
                        connections=load["connections"], seconds=load["seconds"],
                        warmup=load["warmup"])
        row = _row(f"4. {label}", s_res, None, None, p99_limit=300)
    row["detail"] = f"{size:,} bytes per page ({packed:,} gzipped); target <= 200 KB"
    row["ok"] = bool(row["ok"]) and size <= 200 * 1024
    row["target"] += "; <= 200 KB"
    # Requests still queued in the worker would slow the next page: start afresh after a
    # page that overloaded it.
    backlog = not s_res.requests or s_res.percentile(99) > SLOW_PAGE
    return row, {**_summary(s_res), **figures}, backlog


def bench_admin(*, items: int = 10_000, seconds: float = 4.0, warmup: float = 1.0,
                rounds: int = 1, connections: int = 16, workers: int | None = None,
                threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Goal 4: each admin page with ``items`` ideas and audit entries: p99 and bytes."""
    skipped = no_wrk("admin")
    if skipped:
        return skipped
    from pollserver.ops.passwords import hash_password

    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    work = _workdir(None)
    logs = logs or work
    try:
        data_dir = work / "var"
        prefill.prefill_tinydb(data_dir, jam_ideas=items, jam_votes=min(items, 20_000),
                               pending_every=4, audit_entries=items,
                               admins={EDITOR: hash_password(PASSWORD)})
        rows: list[dict[str, Any]] = []
        raw: dict[str, Any] = {}
        env = _pollserver_env(data_dir)
        subj: Server | None = None
        try:
            for label, path in PAGES:
                if subj is None:  # a fresh server (the first, or after a runaway page)
                    subj = Server(POLLSERVER_APP, env, args, logs / "admin-pollserver.log")
                    subj.wait_ready("/api/health", 120)
                    cookie = sign_in(subj.port)
                row, raw[path], runaway = _measure(subj, label, path, cookie, work, args,
                                                   logs, seconds=seconds, warmup=warmup,
                                                   rounds=rounds, connections=connections)
                rows.append(row)
                if runaway:  # the worker is still busy with it: kill it before it eats RAM
                    subj.stop(grace=0)
                    subj = None
        finally:
            if subj is not None:
                subj.stop()
        return {"name": "admin", "settings": {"gunicorn": args, "connections": connections,
                                              "items": items}, "rows": rows, "raw": raw}
    finally:
        shutil.rmtree(work, ignore_errors=True)
