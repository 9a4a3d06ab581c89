"""Goal 2 of issue 30: the PostgreSQL vote POST against its fair ceiling, round by round.

The ceiling is bare Flask doing one INSERT of a new voter's vote through the same psycopg
pool class and settings (``bench/baseline_app.py`` ``/insert``), on the same gunicorn layout.
Both run in alternating rounds (ceiling, pollserver, ceiling, ..., ceiling) in a database
of their own; each pollserver run is compared with the mean of the ceiling runs on either
side of it. Each round's ratio is printed, and the spread between rounds is a goal of its
own; to tell *why* a round fell, every run records what PostgreSQL and the machine did meanwhile:
checkpoints, autovacuum/autoanalyze runs, WAL written, other databases' active sessions
(the server is shared) and the load average.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from bench import prefill
from bench.benches import (
    BASELINE_APP,
    PG_URL,
    POLLSERVER_APP,
    SCALE_OUT,
    _pgbench,
    _pollserver_env,
    _row,
    _summary,
    _workdir,
    find_pgbench,
)
from bench.goals import VOTE_BODY, alternate, no_wrk, vote_headers
from bench.loadgen import LoadResult
from bench.servers import gunicorn_args, running
from bench.wrk import run_wrk

__all__ = ["bench_pg_vote", "spread_points"]

_CHECKPOINTS = ("SELECT num_timed + num_requested FROM pg_stat_checkpointer",
                "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")


def spread_points(ratios: list[float]) -> float:
    """The distance between the best and the worst round, in percentage points."""
    return round((max(ratios) - min(ratios)) * 100, 1) if ratios else 0.0


def _watcher(url: str) -> Any:
    """Return a function reading PostgreSQL's and the machine's activity counters."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)

    def read() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for query in _CHECKPOINTS:
            try:
                out["checkpoints"] = conn.execute(query).fetchone()[0]  # type: ignore[index]
                break
            except psycopg.Error:
                continue
        row = conn.execute(
            "SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0),"
            " pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_all_tables").fetchone()
        out["autovacuums"], out["wal_bytes"] = int(row[0]), int(row[1])  # type: ignore[index]
        out["other_active"] = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
            " AND datname IS DISTINCT FROM current_database()").fetchone()[0]  # type: ignore[index]
        try:
            out["loadavg"] = float(Path("/proc/loadavg").read_text().split()[0])
        except OSError:
            pass
        return out

    read.close = conn.close  # type: ignore[attr-defined]
    return read


def _delta(entry: dict[str, Any]) -> dict[str, Any]:
    before, after = entry["before"], entry["after"]
    return {"checkpoints": after.get("checkpoints", 0) - before.get("checkpoints", 0),
            "autovacuums": after["autovacuums"] - before["autovacuums"],
            "wal_mb": round((after["wal_bytes"] - before["wal_bytes"]) / 1e6, 1),
            "other_active": max(before["other_active"], after["other_active"]),
            "loadavg": after.get("loadavg")}


def _rounds_table(per_round: list[list[LoadResult]], watched: list[dict[str, Any]],
                  closing: LoadResult | None = None) -> list[dict[str, Any]]:
    """Each round's figures. A round's pollserver run is compared with the mean of the
    ceiling runs just before and just after it (the next round's, or ``closing``), so a
    machine that speeds up or slows down during the bench moves both sides of the ratio."""
    out = []
    for n, (base, subj) in enumerate(per_round):
        after = per_round[n + 1][0] if n + 1 < len(per_round) else closing
        ceiling = (base.rate + after.rate) / 2 if after is not None else base.rate
        ratio = subj.rate / ceiling if ceiling else 0.0
        out.append({"round": n + 1, "ceiling": round(ceiling, 1),
                    "pollserver": round(subj.rate, 1), "ratio": round(ratio, 3),
                    "ceiling_run": _delta(watched[2 * n]),
                    "pollserver_run": _delta(watched[2 * n + 1])})
    return out


def bench_pg_vote(*, seconds: float = 8.0, warmup: float = 2.0, rounds: int = 3,
                  connections: int = 16, pgbench_seconds: int = 8, workers: int | None = None,
                  threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Goal 2: the PostgreSQL vote POST, ``rounds`` rounds against the fair ceiling."""
    import psycopg
    from psycopg import sql

    skipped = no_wrk("pgvote")
    if skipped:
        return skipped
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        return {"name": "pgvote", "rows": [], "skipped": f"PostgreSQL not reachable: {exc}"}
    db = f"valuehub_pgvote_{os.getpid()}"
    args = gunicorn_args(workers or SCALE_OUT["workers"], threads or SCALE_OUT["threads"])
    work = _workdir(None)
    logs = logs or work
    watch = None
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        url = PG_URL.rsplit("/", 1)[0] + f"/{db}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA bench_scratch")
            conn.execute("CREATE TABLE bench_scratch.votes (poll_id text NOT NULL,"
                         " voter_id text NOT NULL, choices text[] NOT NULL,"
                         " voted_at timestamptz, PRIMARY KEY (poll_id, voter_id))")
        from pollserver.store.postgres import PostgresStore

        store = PostgresStore(url)
        try:
            store.sync_items([prefill.poll_item()])
        finally:
            store.close()
        env = _pollserver_env(work / "var", POLLSERVER_DATABASE_URL=url)
        watch = _watcher(url)
        per_round: list[list[LoadResult]] = []
        watched: list[dict[str, Any]] = []
        with running(BASELINE_APP, {"BENCH_DATABASE_URL": url}, args,
                     logs / "pgvote-ceiling.log", "/health") as base, \
                running(POLLSERVER_APP, env, args, logs / "pgvote-pollserver.log",
                        "/api/health") as subj:
            (b_res, b_cpu), (s_res, s_cpu) = alternate(
                [(base, {"path": "/insert", "method": "POST", "body": VOTE_BODY,
                         "headers": vote_headers(base.port)}),
                 (subj, {"path": f"/api/polls/{prefill.POLL_ID}/vote", "method": "POST",
                         "body": VOTE_BODY, "headers": vote_headers(subj.port)})],
                rounds=rounds, seconds=seconds, warmup=warmup, connections=connections,
                per_round=per_round, watch=watch, watched=watched)
            closing = run_wrk(base.port, "/insert", method="POST", body=VOTE_BODY,
                              headers=vote_headers(base.port), connections=connections,
                              seconds=seconds, warmup=warmup)
        pgbench = find_pgbench()
        pg = (_pgbench(pgbench, url, work, clients=8, seconds=pgbench_seconds)
              if pgbench else None)
        table = _rounds_table(per_round, watched, closing)
        ratios = [r["ratio"] for r in table]
        row = _row("2. vote POST (postgres) vs Flask + one INSERT", s_res, b_res, 0.8,
                   cpu=(s_cpu, b_cpu))
        row["detail"] = (f"both on {' '.join(args[:6])}; rounds "
                         + ", ".join(f"{r:.0%}" for r in ratios) + "; pgbench INSERT for "
                         "reference: " + (f"{pg['tps']:,.0f} tps" if pg else "not found"))
        spread = spread_points(ratios)
        rows = [row, {"metric": "2. round-to-round spread of the ratio", "value": spread,
                      "unit": "points", "target": "<= 15 points",
                      "ok": spread <= 15 if len(ratios) > 1 else None,
                      "detail": "; ".join(
                          f"round {r['round']}: {r['ratio']:.0%} ({r['pollserver']:,.0f}/"
                          f"{r['ceiling']:,.0f}), PG during ours: "
                          f"{r['pollserver_run']['checkpoints']} checkpoints, "
                          f"{r['pollserver_run']['autovacuums']} autovacuum/analyze, "
                          f"{r['pollserver_run']['other_active']} other active sessions, "
                          f"load {r['pollserver_run']['loadavg']}" for r in table)}]
        return {"name": "pgvote", "settings": {"gunicorn": args, "connections": connections,
                                               "seconds": seconds, "rounds": rounds},
                "rows": rows, "raw": {"ceiling": _summary(b_res), "rounds": table,
                                      "pollserver": _summary(s_res), "pgbench": pg}}
    finally:
        if watch is not None:
            watch.close()
        try:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(db)))
        finally:
            admin.close()
            shutil.rmtree(work, ignore_errors=True)
