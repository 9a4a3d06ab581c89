"""Issue 17's goals 1 to 3, driven by ``wrk``: the vote POST against the bare-Flask ceiling
(embedded store and PostgreSQL) and the first page of a 1,000-idea jam.

Each subject and its baseline run in the same process of ``make bench``, alternating rounds
(A B A B) so a noisy phase of a shared machine hits both; the ratio is the figure that means
something, the absolute numbers only say how busy the box was.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from bench import prefill
from bench.benches import (
    BASELINE_APP,
    EMBEDDED,
    PG_URL,
    POLLSERVER_APP,
    SCALE_OUT,
    _pgbench,
    _pollserver_env,
    _row,
    _summary,
    _workdir,
    find_pgbench,
    served_jam,
)
from bench.loadgen import LoadResult, build_request, fetch
from bench.servers import Server, gunicorn_args, running
from bench.wrk import have_wrk, run_wrk

__all__ = ["bench_jam_page", "bench_pg_vote", "bench_vote"]

VOTE_BODY = json.dumps({"choices": ["a"]}).encode()


def _vote_headers(port: int) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}


def _alternate(pairs: list[tuple[Server, dict[str, Any]]], *, rounds: int, seconds: float,
               warmup: float, connections: int) -> list[tuple[LoadResult, float]]:
    """wrk each (server, request) in turn, ``rounds`` times; pooled results and CPU/request."""
    pooled = [LoadResult() for _ in pairs]
    cpu = [0.0 for _ in pairs]
    for _ in range(rounds):
        for i, (server, request) in enumerate(pairs):
            before = server.cpu_seconds()
            res = run_wrk(server.port, connections=connections, seconds=seconds,
                          warmup=warmup, **request)
            cpu[i] += server.cpu_seconds() - before
            pooled[i] = pooled[i].merge(res)
    return [(res, cpu[i] / max(1, res.requests)) for i, res in enumerate(pooled)]


def _no_wrk(name: str) -> dict[str, Any] | None:
    if have_wrk():
        return None
    return {"name": name, "rows": [], "skipped": "wrk not found (apt-get install -y wrk)"}


def bench_vote(*, votes: int = 100_000, seconds: float = 8.0, warmup: float = 2.0,
               rounds: int = 2, connections: int = 16, workers: int | None = None,
               threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Goal 1: the embedded store's vote POST (``votes`` stored, every request a new voter) on
    the shipped layout, against bare Flask on the same layout and on the box's best one."""
    skipped = _no_wrk("vote")
    if skipped:
        return skipped
    shipped = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    best = gunicorn_args(SCALE_OUT["workers"], SCALE_OUT["threads"])
    work = _workdir(None)
    logs = logs or work
    try:
        data_dir = work / "var"
        prefill.prefill_tinydb(data_dir, poll_votes=votes)
        path = f"/api/polls/{prefill.POLL_ID}/vote"
        with running(BASELINE_APP, {}, shipped, logs / "vote-ceiling.log", "/health") as same, \
                running(BASELINE_APP, {}, best, logs / "vote-ceiling-best.log",
                        "/health") as top, \
                running(POLLSERVER_APP, _pollserver_env(data_dir), shipped,
                        logs / "vote-pollserver.log", "/api/health") as subj:
            def vote(server: Server, url: str) -> dict[str, Any]:
                return {"path": url, "method": "POST", "body": VOTE_BODY,
                        "headers": _vote_headers(server.port)}

            (b_same, c_same), (b_best, c_best), (s_vote, s_cpu) = _alternate(
                [(same, vote(same, "/vote")), (top, vote(top, "/vote")),
                 (subj, vote(subj, path))],
                rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
            status, body = fetch(subj.port, build_request(
                "GET", f"/api/polls/{prefill.POLL_ID}", subj.port))
            stored = json.loads(body)["results"]["total"] if status == 200 else None
        rows = [
            _row("vote POST (embedded) vs ceiling, same layout", s_vote, b_same, None,
                 cpu=(s_cpu, c_same)),
            _row("vote POST (embedded) vs best ceiling", s_vote, b_best, 0.7, p99_limit=50,
                 cpu=(s_cpu, c_best)),
        ]
        rows[0]["detail"] = (f"pollserver and ceiling on {' '.join(shipped)}; best ceiling on "
                             f"{' '.join(best)}; {stored} votes stored at the end (fsynced)")
        return {"name": "vote", "settings": {"shipped": shipped, "best": best,
                                             "connections": connections, "seconds": seconds,
                                             "rounds": rounds, "votes_prefilled": votes},
                "rows": rows,
                "raw": {"ceiling_same": _summary(b_same), "ceiling_best": _summary(b_best),
                        "pollserver": _summary(s_vote), "stored": stored}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_pg_vote(*, seconds: float = 8.0, warmup: float = 2.0, rounds: int = 2,
                  connections: int = 16, pgbench_seconds: int = 8, workers: int | None = None,
                  threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Goal 2: the PostgreSQL vote POST against bare Flask doing one INSERT through the same
    psycopg pool on the same layout; pgbench's INSERT rate printed beside for reference."""
    import psycopg
    from psycopg import sql

    skipped = _no_wrk("pgvote")
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
        with running(BASELINE_APP, {"BENCH_DATABASE_URL": url}, args,
                     logs / "pgvote-ceiling.log", "/health") as base, \
                running(POLLSERVER_APP, env, args, logs / "pgvote-pollserver.log",
                        "/api/health") as subj:
            (b_res, b_cpu), (s_res, s_cpu) = _alternate(
                [(base, {"path": "/insert", "method": "POST", "body": VOTE_BODY,
                         "headers": _vote_headers(base.port)}),
                 (subj, {"path": f"/api/polls/{prefill.POLL_ID}/vote", "method": "POST",
                         "body": VOTE_BODY, "headers": _vote_headers(subj.port)})],
                rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
        pgbench = find_pgbench()
        pg = (_pgbench(pgbench, url, work, clients=8, seconds=pgbench_seconds)
              if pgbench else None)
        row = _row("vote POST (postgres) vs Flask + one INSERT", s_res, b_res, 0.6,
                   cpu=(s_cpu, b_cpu))
        row["detail"] = (f"both on {' '.join(args)}; pgbench INSERT for reference: "
                         + (f"{pg['tps']:,.0f} tps ({s_res.rate / pg['tps']:.0%})" if pg
                            else "pgbench not found"))
        return {"name": "pgvote", "settings": {"gunicorn": args, "connections": connections,
                                               "seconds": seconds, "rounds": rounds},
                "rows": [row], "raw": {"ceiling": _summary(b_res),
                                       "pollserver": _summary(s_res), "pgbench": pg}}
    finally:
        try:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(db)))
        finally:
            admin.close()
            shutil.rmtree(work, ignore_errors=True)


def bench_jam_page(*, ideas: int = 1000, votes: int = 50_000, seconds: float = 8.0,
                   warmup: float = 2.0, rounds: int = 2, connections: int = 16,
                   workers: int | None = None, threads: int | None = None,
                   logs: Path | None = None) -> dict[str, Any]:
    """Goal 3: the first page of a jam with ``ideas`` ideas and ``votes`` votes (size, p99)
    against bare Flask serialising the same document; the server page in Chromium."""
    skipped = _no_wrk("jampage")
    if skipped:
        return skipped
    from bench.browser import page_weight

    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    with served_jam("jampage", args, ideas=ideas, votes=votes, logs=logs) as jam:
        body, doc = jam.body, jam.doc
        (b_get, b_cpu), (s_get, s_cpu) = _alternate(
            [(jam.baseline, {"path": "/payload"}), (jam.subject, {"path": jam.path})],
            rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
        browser = page_weight(f"http://127.0.0.1:{jam.subject.port}/jams/{prefill.JAM_ID}")
        row = _row("jam first page GET", s_get, b_get, None, p99_limit=50,
                   cpu=(s_cpu, b_cpu))
        row["detail"] = (f"{len(doc['ideas'])} of {doc.get('idea_count')} ideas, "
                         f"{len(body):,} bytes (target <= 50 KB); baseline jsonifies the same "
                         "document")
        rows = [row, {"metric": "jam first page size", "value": len(body), "unit": "bytes",
                      "target": "<= 50 KB", "ok": len(body) <= 50 * 1024}]
        if browser.get("skipped"):
            rows.append({"metric": "server page /jams/ID in Chromium", "value": "skipped",
                         "detail": browser["skipped"]})
        else:
            rows.append({"metric": "server page /jams/ID transfer", "unit": "bytes",
                         "value": browser["transfer_bytes"],
                         "detail": f"{browser['dom_nodes']:,} DOM nodes, "
                                   f"{browser['ideas_shown']} ideas shown, "
                                   f"{browser['requests']} requests"})
        return {"name": "jampage", "settings": {"gunicorn": args, "connections": connections,
                                                "ideas": ideas, "votes": votes},
                "rows": rows, "raw": {"baseline": _summary(b_get),
                                      "pollserver": _summary(s_get), "browser": browser,
                                      "response_bytes": len(body)}}
