"""Goal 1 of issue 30 (the embedded store's vote POST against the bare-Flask ceiling) and the
jam's first page, driven by ``wrk``; the helpers the other goals share (``alternate``).

Each subject and its baseline run in the same process of ``make bench``, alternating rounds
(A B A B) so a noisy phase of a shared machine hits both; the ratio is the figure that means
something, the absolute numbers only say how busy the box was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import prefill
from bench.benches import (
    BASELINE_APP,
    EMBEDDED,
    POLLSERVER_APP,
    SCALE_OUT,
    _pollserver_env,
    _row,
    _summary,
    _workdir,
    served_jam,
)
from bench.loadgen import LoadResult, build_request, fetch
from bench.servers import Server, gunicorn_args, running
from bench.wrk import have_wrk, run_wrk

__all__ = ["VOTE_BODY", "alternate", "bench_jam_page", "bench_reads", "bench_vote", "no_wrk",
           "vote_headers"]

VOTE_BODY = json.dumps({"choices": ["a"]}).encode()


def vote_headers(port: int) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}


def alternate(pairs: list[tuple[Server, dict[str, Any]]], *, rounds: int, seconds: float,
              warmup: float, connections: int, per_round: list[list[LoadResult]] | None = None,
              watch: Callable[[], dict[str, Any]] | None = None,
              watched: list[dict[str, Any]] | None = None) -> list[tuple[LoadResult, float]]:
    """wrk each (server, request) in turn, ``rounds`` times; pooled results and CPU/request.

    ``per_round`` receives each round's results; ``watch`` is called before and after every
    run and its two answers appended to ``watched`` (what else the machine did meanwhile)."""
    pooled = [LoadResult() for _ in pairs]
    cpu = [0.0 for _ in pairs]
    for _ in range(rounds):
        this_round = []
        for i, (server, request) in enumerate(pairs):
            seen = watch() if watch else None
            before = server.cpu_seconds()
            res = run_wrk(server.port, connections=connections, seconds=seconds,
                          warmup=warmup, **request)
            cpu[i] += server.cpu_seconds() - before
            if watch and watched is not None:
                watched.append({"before": seen, "after": watch(), "subject": i})
            pooled[i] = pooled[i].merge(res)
            this_round.append(res)
        if per_round is not None:
            per_round.append(this_round)
    return [(res, cpu[i] / max(1, res.requests)) for i, res in enumerate(pooled)]


def no_wrk(name: str) -> dict[str, Any] | None:
    if have_wrk():
        return None
    return {"name": name, "rows": [], "skipped": "wrk not found (apt-get install -y wrk)"}


def bench_vote(*, votes: int = 100_000, seconds: float = 8.0, warmup: float = 2.0,
               rounds: int = 2, connections: int = 16, workers: int | None = None,
               threads: int | None = None, logs: Path | None = None) -> dict[str, Any]:
    """Goal 1: the embedded store's vote POST (``votes`` stored, every request a new voter) on
    the shipped layout against bare Flask on the same layout, and on two processes (the
    box's best layout) against bare Flask on that layout."""
    skipped = no_wrk("vote")
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
        env = _pollserver_env(data_dir)
        with running(BASELINE_APP, {}, shipped, logs / "vote-ceiling.log", "/health") as same, \
                running(BASELINE_APP, {}, best, logs / "vote-ceiling-best.log",
                        "/health") as top, \
                running(POLLSERVER_APP, env, shipped, logs / "vote-pollserver.log",
                        "/api/health") as subj, \
                running(POLLSERVER_APP, env, best, logs / "vote-pollserver-2.log",
                        "/api/health") as subj2:
            def vote(server: Server, url: str) -> dict[str, Any]:
                return {"path": url, "method": "POST", "body": VOTE_BODY,
                        "headers": vote_headers(server.port)}

            (b_same, c_same), (s_vote, s_cpu), (b_best, c_best), (s_two, s2_cpu) = alternate(
                [(same, vote(same, "/vote")), (subj, vote(subj, path)),
                 (top, vote(top, "/vote")), (subj2, vote(subj2, path))],
                rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
            status, body = fetch(subj.port, build_request(
                "GET", f"/api/polls/{prefill.POLL_ID}", subj.port))
            stored = json.loads(body)["results"]["total"] if status == 200 else None
        rows = [
            _row("1. vote POST (embedded), shipped layout", s_vote, b_same, 0.75,
                 p99_limit=50, cpu=(s_cpu, c_same)),
            _row("1. vote POST (embedded), 2 processes vs best", s_two, b_best, 0.5,
                 p99_limit=50, cpu=(s2_cpu, c_best)),
        ]
        rows[0]["detail"] = (f"pollserver and ceiling on {' '.join(shipped[:4])}; "
                             f"{stored} votes stored at the end (fsynced)")
        rows[1]["detail"] = f"pollserver and ceiling on {' '.join(best[:6])}"
        return {"name": "vote", "settings": {"shipped": shipped, "best": best,
                                             "connections": connections, "seconds": seconds,
                                             "rounds": rounds, "votes_prefilled": votes},
                "rows": rows,
                "raw": {"ceiling_same": _summary(b_same), "ceiling_best": _summary(b_best),
                        "pollserver": _summary(s_vote), "pollserver_two": _summary(s_two),
                        "stored": stored}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_jam_page(*, ideas: int = 1000, votes: int = 50_000, seconds: float = 8.0,
                   warmup: float = 2.0, rounds: int = 2, connections: int = 16,
                   workers: int | None = None, threads: int | None = None,
                   logs: Path | None = None) -> dict[str, Any]:
    """Goal 3: the first page of a jam with ``ideas`` ideas and ``votes`` votes (size, p99)
    against bare Flask serialising the same document; the server page in Chromium."""
    skipped = no_wrk("jampage")
    if skipped:
        return skipped
    from bench.browser import page_weight

    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    with served_jam("jampage", args, ideas=ideas, votes=votes, logs=logs) as jam:
        body, doc = jam.body, jam.doc
        (b_get, b_cpu), (s_get, s_cpu) = alternate(
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


def bench_reads(*, ideas: int = 1000, votes: int = 50_000, poll_votes: int = 100_000,
                seconds: float = 8.0, warmup: float = 2.0, rounds: int = 2,
                connections: int = 16, workers: int | None = None, threads: int | None = None,
                logs: Path | None = None) -> dict[str, Any]:
    """Goal 3: the poll GET with results (``poll_votes`` stored) and the jam's first page
    (``ideas`` ideas, ``votes`` votes), p99 at ``connections`` connections, each beside bare
    Flask answering a document of the same shape on the same layout."""
    skipped = no_wrk("reads")
    if skipped:
        return skipped
    args = gunicorn_args(workers or EMBEDDED["workers"], threads or EMBEDDED["threads"])
    with served_jam("reads", args, ideas=ideas, votes=votes, logs=logs,
                    poll_votes=poll_votes) as jam:
        poll_path = f"/api/polls/{prefill.POLL_ID}"
        (b_poll, bp_cpu), (s_poll, sp_cpu), (b_jam, bj_cpu), (s_jam, sj_cpu) = alternate(
            [(jam.baseline, {"path": "/poll"}), (jam.subject, {"path": poll_path}),
             (jam.baseline, {"path": "/payload"}), (jam.subject, {"path": jam.path})],
            rounds=rounds, seconds=seconds, warmup=warmup, connections=connections)
        poll_row = _row("3. poll GET with results", s_poll, b_poll, None, p99_limit=50,
                        cpu=(sp_cpu, bp_cpu))
        poll_row["detail"] = f"{poll_votes:,} votes stored; baseline: a poll-sized JSON"
        jam_row = _row("3. jam first page GET", s_jam, b_jam, None, p99_limit=50,
                       cpu=(sj_cpu, bj_cpu))
        jam_row["detail"] = (f"{len(jam.doc['ideas'])} of {jam.doc.get('idea_count')} ideas, "
                             f"{len(jam.body):,} bytes; baseline jsonifies the same document")
        return {"name": "reads", "settings": {"gunicorn": args, "connections": connections,
                                              "ideas": ideas, "votes": votes,
                                              "poll_votes": poll_votes},
                "rows": [poll_row, jam_row],
                "raw": {"baseline_poll": _summary(b_poll), "poll": _summary(s_poll),
                        "baseline_jam": _summary(b_jam), "jam": _summary(s_jam)}}
