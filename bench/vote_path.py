"""The vote's Python path without a server: CPU per vote through the WSGI app, and where it goes.

    .venv/bin/python -m bench.vote_path [--votes 3000] [--prefill 100000] [--profile]

Calls pollserver's WSGI app (TinyDB store, ``prefill`` votes stored) and the bare Flask
ceiling (``bench/baseline_app.py``) directly with a fresh cookie-less vote each time, in one
thread, and prints the CPU microseconds per request of each. With ``--profile`` it also
prints the pollserver path's cumulative cProfile by step (request parsing, origin check,
cookie, store hand-off, journal encode, fsync). No HTTP server and no load generator share
the CPU, so the figures hold on a busy machine far better than a wrk run does; the fsync is
real (one per vote here: nothing to batch with in one thread).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import prefill  # noqa: E402
from bench.benches import _pollserver_env  # noqa: E402

BODY = json.dumps({"choices": ["a"]}).encode()

#: The steps the issue names, as (label, function names cProfile reports for it).
STEPS = [
    ("request parsing (input checks, JSON body)", ("_check_request", "_body", "get_json")),
    ("origin check", ("check_same_origin",)),
    ("cookie (mint id, sign, Set-Cookie)", ("ensure_voter", "_set_cookie")),
    ("store hand-off (group commit, whole)", ("commit",)),
    ("journal encode (json.dumps + line)", ("dumps", "encode", "_as_replayed")),
    ("catch-up checks (fstat/stat)", ("catch_up", "behind")),
    ("fsync", ("<built-in method posix.fsync>",)),
    ("result view (tally, poll_view, jsonify)", ("poll_view", "reply", "tally")),
    ("response headers (security, CORS)", ("_headers", "_cors")),
]


def _environ(path: str, port: int = 8000) -> dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(port), "HTTP_HOST":
            f"127.0.0.1:{port}", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(BODY)), "HTTP_ORIGIN": f"http://127.0.0.1:{port}",
            "wsgi.input": io.BytesIO(BODY), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "wsgi.version": (1, 0)}


def drive(app: Callable[..., Any], path: str, votes: int) -> float:
    """Send ``votes`` votes through ``app``; return CPU microseconds per vote."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        statuses.append(status)

    start = time.process_time()
    for _ in range(votes):
        body = app(_environ(path), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
    spent = time.process_time() - start
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"{len(bad)} votes failed, e.g. {bad[0]}")
    return spent / votes * 1e6


def steps(profile: cProfile.Profile, votes: int) -> list[tuple[str, float]]:
    """Cumulative microseconds per vote for each named step (steps may nest)."""
    stats = pstats.Stats(profile)
    out = []
    for label, names in STEPS:
        total = 0.0
        for (filename, _, func), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
            if func in names and ("pollserver" in filename or filename == "~"
                                 or func == "dumps"):
                total += cumulative
        out.append((label, total / votes * 1e6))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=3000)
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=0, help="with --profile: the top N functions")
    parser.add_argument("--no-fsync", action="store_true",
                        help="replace os.fsync by a no-op: the Python CPU alone (never in a "
                             "server: this only isolates the disk from the code)")
    opts = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="valuehub-votepath-"))
    if opts.no_fsync:
        os.fsync = lambda fd: None  # type: ignore[assignment]
    try:
        prefill.prefill_tinydb(work / "var", poll_votes=opts.prefill)
        os.environ.update(_pollserver_env(work / "var"))
        from bench.baseline_app import app as ceiling
        from pollserver import create_app

        app = create_app()
        path = f"/api/polls/{prefill.POLL_ID}/vote"
        drive(app, path, 200)  # warm up both
        drive(ceiling, "/vote", 200)
        ours = drive(app, path, opts.votes)
        bare = drive(ceiling, "/vote", opts.votes)
        how = "os.fsync a no-op" if opts.no_fsync else "fsync included"
        print(f"pollserver vote: {ours:,.0f} µs CPU per vote ({how})")
        print(f"bare Flask POST: {bare:,.0f} µs CPU per request; ratio {bare / ours:.0%}")
        if opts.profile:
            profile = cProfile.Profile()
            profile.enable()
            drive(app, path, opts.votes)
            profile.disable()
            for label, micros in steps(profile, opts.votes):
                print(f"  {micros:7.1f} µs  {label}")
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(opts.top)
            print(text.getvalue())
        from pollserver.web.context import services_of

        store = services_of(app).store
        print(f"journal: {store.journal_ops} votes in {store.journal_writes} fsyncs")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
