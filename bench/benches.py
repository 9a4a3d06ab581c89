"""The benchmarks: each one measures pollserver next to a baseline from the same run.

Every function returns a dict ``{"name", "skipped"?, "settings", "rows": [...], "raw": {...}}``;
a row is ``{"metric", "value", "baseline", "ratio", "target", "ok"}`` and ``run.py`` prints
them. Targets are informative: a MISS is reported, never raised.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import prefill
from bench.loadgen import LoadResult, build_request, fetch, run_load
from bench.servers import Server, gunicorn_args, running
from pollserver.web.context import services_of

__all__ = ["BENCHES", "bench_jams", "bench_polls", "bench_postgres"]

SECRET = "bench-secret-key-not-for-production"
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
POLLSERVER_APP = "pollserver.wsgi:app"
#: The embedded (TinyDB) store runs one gunicorn worker with threads: with two workers every
#: read in one process must take the store's flock and replay what the other appended, which
#: measured slower (and with a worse p99) than one process on this 2-core machine. PostgreSQL
#: is the scale-out setup, so it gets two workers. Baselines always use the same settings.
EMBEDDED = {"workers": 1, "threads": 16}
SCALE_OUT = {"workers": 2, "threads": 8}
BASELINE_APP = "bench.baseline_app:app"


def _pollserver_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {"POLLSERVER_DATA_DIR": str(data_dir), "POLLSERVER_SITE_DIR": "",
            "POLLSERVER_RATE_LIMITS": "off", "POLLSERVER_SECRET_KEY": SECRET,
            "POLLSERVER_LOG_LEVEL": "WARNING", "POLLSERVER_DATABASE_URL": "", **extra}


def _vote_requests(port: int, path: str) -> list[bytes]:
    """Cookie-less JSON votes: every request is a new voter, as the bench wants."""
    headers = {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}
    return [build_request("POST", path, port, headers=headers,
                          body=json.dumps({"choices": [k]}).encode())
            for k in prefill.OPTIONS]


def _summary(res: LoadResult) -> dict[str, Any]:
    return {"requests": res.requests, "seconds": round(res.seconds, 3),
            "rate": round(res.rate, 1), "p50_ms": round(res.percentile(50), 2),
            "p99_ms": round(res.percentile(99), 2), "errors": res.errors,
            "statuses": {str(k): v for k, v in sorted(res.statuses.items())},
            "mean_response_bytes": round(res.response_bytes / max(1, res.requests))}


def _compare(pairs: list[tuple[Server, list[bytes]]], *, rounds: int, seconds: float,
             warmup: float, connections: int) -> list[tuple[LoadResult, float]]:
    """Measure each (server, requests) in turn, ``rounds`` times alternating (A B A B), so
    slow phases of a noisy machine hit both sides; return pooled results and the workers'
    CPU seconds per request."""
    pooled = [LoadResult() for _ in pairs]
    cpu = [0.0 for _ in pairs]
    for _ in range(rounds):
        for i, (server, requests) in enumerate(pairs):
            before = server.cpu_seconds()
            res = run_load(server.port, requests, connections=connections, seconds=seconds,
                           warmup=warmup)
            cpu[i] += server.cpu_seconds() - before
            pooled[i] = pooled[i].merge(res)
    return [(res, cpu[i] / max(1, res.requests)) for i, res in enumerate(pooled)]


def _row(metric: str, subject: LoadResult, baseline: LoadResult | None, target: float | None,
         *, p99_limit: float | None = None, cpu: tuple[float, float] | None = None
         ) -> dict[str, Any]:
    ratio = subject.rate / baseline.rate if baseline and baseline.rate else None
    ok = True
    target_text = []
    if target is not None:
        target_text.append(f">= {target:.0%} of baseline")
        ok = ok and ratio is not None and ratio >= target
    if p99_limit is not None:
        target_text.append(f"p99 <= {p99_limit:g} ms")
        ok = ok and subject.percentile(99) <= p99_limit
    if subject.errors or not subject.requests:  # nothing answered: never a pass
        ok = False
    row = {"metric": metric, "value": round(subject.rate, 1), "unit": "req/s",
           "p50_ms": round(subject.percentile(50), 2), "p99_ms": round(subject.percentile(99), 2),
           "baseline": round(baseline.rate, 1) if baseline else None,
           "baseline_p99_ms": round(baseline.percentile(99), 2) if baseline else None,
           "ratio": round(ratio, 3) if ratio is not None else None,
           "errors": subject.errors, "target": "; ".join(target_text),
           "ok": ok if target_text else None}
    if cpu:
        row["cpu_ms_per_req"] = round(cpu[0] * 1000, 3)
        row["baseline_cpu_ms_per_req"] = round(cpu[1] * 1000, 3)
    return row


def _workdir(keep: Path | None) -> Path:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="run-", dir=keep))
    return Path(tempfile.mkdtemp(prefix="valuehub-bench-"))


# -- 1. polls (issue 4) ----------------------------------------------------------------------


def bench_polls(*, votes: int = 100_000, seconds: float = 8.0, warmup: float = 2.0,
                rounds: int = 2, connections: int = 16, workers: int | None = None,
                threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Vote POST and poll GET on the TinyDB store holding ``votes`` votes vs bare Flask."""
    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    work = _workdir(None)
    logs = logs or work
    try:
        data_dir = work / "var"
        prefill.prefill_tinydb(data_dir, poll_votes=votes)
        path_vote = f"/api/polls/{prefill.POLL_ID}/vote"
        path_get = f"/api/polls/{prefill.POLL_ID}"
        with running(BASELINE_APP, {}, args, logs / "polls-baseline.log", "/health") as base, \
                running(POLLSERVER_APP, _pollserver_env(data_dir), args,
                        logs / "polls-pollserver.log", "/api/health") as subj:
            status, body = fetch(subj.port, build_request("GET", path_get, subj.port))
            start_total = json.loads(body)["results"]["total"] if status == 200 else None
            rss_start = subj.worker_rss_mb()
            common = {"rounds": rounds, "seconds": seconds, "warmup": warmup,
                      "connections": connections}
            (b_get, b_get_cpu), (s_get, s_get_cpu) = _compare(
                [(base, [build_request("GET", "/poll", base.port)]),
                 (subj, [build_request("GET", path_get, subj.port)])], **common)
            (b_post, b_post_cpu), (s_post, s_post_cpu) = _compare(
                [(base, _vote_requests(base.port, "/vote")),
                 (subj, _vote_requests(subj.port, path_vote))], **common)
            rss_end = subj.worker_rss_mb()
            status, body = fetch(subj.port, build_request("GET", path_get, subj.port))
            end_total = json.loads(body)["results"]["total"] if status == 200 else None
        rows = [
            _row("vote POST (tinydb)", s_post, b_post, 0.5, p99_limit=50,
                 cpu=(s_post_cpu, b_post_cpu)),
            _row("poll GET with results", s_get, b_get, 0.7, cpu=(s_get_cpu, b_get_cpu)),
        ]
        rss = max(rss_end or [0.0])
        rows.append({"metric": "pollserver worker RSS", "value": round(rss, 1), "unit": "MB",
                     "detail": f"per worker at {end_total} votes: "
                               + ", ".join(f"{r:.1f}" for r in rss_end)
                               + f" (at start: {', '.join(f'{r:.1f}' for r in rss_start)})",
                     "target": "<= 100 MB per worker", "ok": rss <= 100})
        return {"name": "polls", "settings": {"gunicorn": args, "connections": connections,
                                              "seconds": seconds, "warmup": warmup,
                                              "rounds": rounds, "votes_prefilled": votes},
                "rows": rows,
                "raw": {"baseline_post": _summary(b_post), "pollserver_post": _summary(s_post),
                        "baseline_get": _summary(b_get), "pollserver_get": _summary(s_get),
                        "votes_at_start": start_total, "votes_at_end": end_total,
                        "rss_start_mb": rss_start, "rss_end_mb": rss_end}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- 2. jams (issue 5) -----------------------------------------------------------------------


def jams_api_present() -> bool:
    """Tell whether this checkout serves ``GET /api/jams/<id>``."""
    from pollserver import create_app
    from pollserver.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), site_dir=None, rate_limits="off",
                                  secret_key=SECRET, extra={"store": "memory"}))
        try:
            return any(rule.rule == "/api/jams/<jam_id>" and "GET" in (rule.methods or ())
                       for rule in app.url_map.iter_rules())
        finally:
            services_of(app).store.close()


@dataclass
class ServedJam:
    """A prefilled jam served by pollserver, and bare Flask serving its first page as a file."""

    subject: Server
    baseline: Server
    path: str
    body: bytes
    doc: dict[str, Any]


@contextmanager
def served_jam(name: str, args: list[str], *, ideas: int, votes: int,
               logs: Path | None, poll_votes: int = 0) -> Iterator[ServedJam]:
    """Start both servers for the jam benchmarks (the baseline answers with the exact bytes
    pollserver sent, so the two differ only in the work behind them)."""
    work = _workdir(None)
    logs = logs or work
    try:
        data_dir = work / "var"
        prefill.prefill_tinydb(data_dir, jam_ideas=ideas, jam_votes=votes,
                               poll_votes=poll_votes)
        path = f"/api/jams/{prefill.JAM_ID}?sort=top"
        with running(POLLSERVER_APP, _pollserver_env(data_dir), args,
                     logs / f"{name}-pollserver.log", "/api/health") as subj:
            status, body = fetch(subj.port, build_request("GET", path, subj.port))
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
            payload = work / "payload.json"
            payload.write_bytes(body)
            with running(BASELINE_APP, {"BENCH_PAYLOAD_FILE": str(payload)}, args,
                         logs / f"{name}-baseline.log", "/health") as base:
                yield ServedJam(subj, base, path, body, json.loads(body))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_jams(*, ideas: int = 1000, votes: int = 50_000, seconds: float = 8.0,
               warmup: float = 2.0, rounds: int = 2, connections: int = 16,
               workers: int | None = None, threads: int | None = None,
               logs: Path | None = None) -> dict[str, Any]:
    """``GET /api/jams/ID?sort=top`` with ``ideas`` ideas and ``votes`` votes vs bare Flask
    serialising a JSON document of the same size."""
    if not jams_api_present():
        return {"name": "jams", "skipped": "the jams API (GET /api/jams/<id>) is not "
                                          "registered in this checkout yet", "rows": []}
    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    with served_jam("jams", args, ideas=ideas, votes=votes, logs=logs) as jam:
        shown = len(jam.doc.get("ideas", []))
        total_votes = sum(i.get("votes", 0) for i in jam.doc.get("ideas", []))
        (b_get, b_cpu), (s_get, s_cpu) = _compare(
            [(jam.baseline, [build_request("GET", "/payload", jam.baseline.port)]),
             (jam.subject, [build_request("GET", jam.path, jam.subject.port)])],
            rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
        rss = jam.subject.worker_rss_mb()
        body = jam.body
        row = _row("jam GET ?sort=top", s_get, b_get, 0.5, p99_limit=50, cpu=(s_cpu, b_cpu))
        row["detail"] = (f"{shown} ideas, {total_votes} votes, {len(body):,} bytes/response; "
                         f"baseline jsonifies the same document")
        return {"name": "jams", "settings": {"gunicorn": args, "connections": connections,
                                             "seconds": seconds, "warmup": warmup,
                                             "rounds": rounds, "ideas": ideas, "votes": votes},
                "rows": [row],
                "raw": {"baseline": _summary(b_get), "pollserver": _summary(s_get),
                        "response_bytes": len(body), "rss_mb": rss}}


# -- 3. postgres (issue 7) -------------------------------------------------------------------


def find_pgbench() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True):
        return str(candidate)
    return None


_PGBENCH_SQL = """\\set n random(1, 1000000000)
INSERT INTO bench_scratch.votes (poll_id, voter_id, choices, voted_at)
VALUES ('p', md5(:n::text || ':' || :client_id || ':' || random()::text), '{a}', now());
"""


def _pgbench(pgbench: str, url: str, work: Path, *, clients: int, seconds: int) -> dict:
    script = work / "insert.sql"
    script.write_text(_PGBENCH_SQL)
    out = subprocess.run([pgbench, "-n", "-f", str(script), "-c", str(clients), "-j", "2",
                          "-T", str(seconds), url], capture_output=True, text=True,
                         timeout=seconds + 60, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"pgbench failed ({out.returncode}): {out.stderr[-2000:]}")
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out.stdout)
    lat = re.search(r"latency average = ([0-9.]+) ms", out.stdout)
    if not tps:
        raise RuntimeError(f"could not read pgbench's tps from:\n{out.stdout}")
    return {"tps": float(tps.group(1)), "latency_avg_ms": float(lat.group(1)) if lat else None,
            "command": f"pgbench -n -f insert.sql -c {clients} -j 2 -T {seconds}"}


def bench_postgres(*, seconds: float = 8.0, warmup: float = 2.0, rounds: int = 1,
                   connections: int = 16, pgbench_seconds: int = 10, pgbench_clients: int = 8,
                   workers: int | None = None, threads: int | None = None,
                   embedded: dict[str, Any] | None = None,
                   logs: Path | None = None) -> dict[str, Any]:
    """Vote POSTs on the PostgreSQL store vs pgbench single-row INSERTs, same run."""
    import psycopg
    from psycopg import sql

    pgbench = find_pgbench()
    if pgbench is None:
        return {"name": "postgres", "rows": [],
                "skipped": "pgbench not found (apt-get install -y postgresql-contrib)"}
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        return {"name": "postgres", "rows": [],
                "skipped": f"PostgreSQL not reachable at {PG_URL}: {exc}".strip()}
    db = f"valuehub_bench_{os.getpid()}"
    args = gunicorn_args(workers or SCALE_OUT["workers"], threads or SCALE_OUT["threads"])
    work = _workdir(None)
    logs = logs or work
    try:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        except psycopg.Error as exc:
            return {"name": "postgres", "rows": [],
                    "skipped": f"cannot create a scratch database: {exc}".strip()}
        url = re.sub(r"/[^/?]*(\?|$)", f"/{db}\\1", PG_URL.split("://", 1)[1], count=1)
        url = PG_URL.split("://", 1)[0] + "://" + url
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA bench_scratch")
            conn.execute("CREATE TABLE bench_scratch.votes (poll_id text NOT NULL,"
                         " voter_id text NOT NULL, choices text[] NOT NULL,"
                         " voted_at timestamptz, PRIMARY KEY (poll_id, voter_id))")
        from pollserver.store.postgres import PostgresStore

        store = PostgresStore(url)  # migrates the scratch database like the app does
        try:
            store.sync_items([prefill.poll_item()])
        finally:
            store.close()
        pg = _pgbench(pgbench, url, work, clients=pgbench_clients, seconds=pgbench_seconds)
        env = _pollserver_env(work / "var", POLLSERVER_DATABASE_URL=url)
        with running(POLLSERVER_APP, env, args, logs / "postgres-pollserver.log",
                     "/api/health") as subj:
            before = subj.cpu_seconds()
            res = LoadResult()
            for _ in range(rounds):
                res = res.merge(run_load(subj.port, _vote_requests(
                    subj.port, f"/api/polls/{prefill.POLL_ID}/vote"), connections=connections,
                    seconds=seconds, warmup=warmup))
            cpu = (subj.cpu_seconds() - before) / max(1, res.requests)
            rss = subj.worker_rss_mb()
        with psycopg.connect(url, autocommit=True) as conn:
            stored = conn.execute("SELECT count(*) FROM poll_votes").fetchone()[0]
        ratio = res.rate / pg["tps"] if pg["tps"] else None
        ok = res.rate >= 1000 and ratio is not None and ratio >= 0.35 and not res.errors
        row = {"metric": "vote POST (postgres)", "value": round(res.rate, 1), "unit": "req/s",
               "p50_ms": round(res.percentile(50), 2), "p99_ms": round(res.percentile(99), 2),
               "baseline": round(pg["tps"], 1), "ratio": round(ratio, 3) if ratio else None,
               "errors": res.errors, "cpu_ms_per_req": round(cpu * 1000, 3),
               "target": ">= 1000/s and >= 35% of pgbench INSERT", "ok": ok,
               "detail": f"baseline = {pg['command']} (tps); {stored} vote rows stored"}
        rows = [row]
        if embedded:
            rows.append({"metric": "  beside it: vote POST (tinydb, 100k)",
                         "value": embedded.get("value"), "unit": "req/s",
                         "p50_ms": embedded.get("p50_ms"), "p99_ms": embedded.get("p99_ms"),
                         "baseline": None, "ratio": None, "target": "(from the polls bench)",
                         "ok": None})
        return {"name": "postgres", "settings": {"gunicorn": args, "connections": connections,
                                                 "seconds": seconds, "warmup": warmup,
                                                 "rounds": rounds, "database": db},
                "rows": rows, "raw": {"pgbench": pg, "pollserver": _summary(res),
                                      "rss_mb": rss, "stored_votes": stored}}
    finally:
        try:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(db)))
        finally:
            admin.close()
            shutil.rmtree(work, ignore_errors=True)


BENCHES: dict[str, Callable[..., dict[str, Any]]] = {
    "polls": bench_polls,
    "jams": bench_jams,
    "postgres": bench_postgres,
}
