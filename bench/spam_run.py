"""A bounded bot run: 1,000 spam ideas from 20 client addresses, with and without solving.

    .venv/bin/python bench/spam_run.py [--ideas 1000] [--addresses 20]

For each mode (``raw``: posts without a proof; ``solving``: fetches and solves a challenge per
idea, as a patient bot would; on a jam with ``moderation: post`` and one with ``first``) a
fresh ``gunicorn -w 2`` on the embedded store is started with the shipped defaults (rate
limits, proof, burst queue on) and one trusted proxy, so the addresses come from
``X-Forwarded-For``. Every bot request is a new browser (no cookie). After
the bots, one legitimate reader (its own address) sends an idea with a solved proof. Printed:
ideas accepted, ideas published when sent, ideas visible at the end (bots' and all), where
the reader's idea went, the server's CPU
seconds (master and workers, from /proc) and the bots' own solve seconds. Only 127.0.0.1 is
contacted; the run stops by itself after the given number of ideas.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import altcha
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import Gunicorn, sync_blocks  # noqa: E402

JAM = "spam-target"
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(root_pid: int) -> float:
    """CPU seconds (user + system) of the process group led by ``root_pid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == root_pid:  # pgrp
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _solve(base: str, forwarded: str) -> tuple[str, float]:
    challenge = requests.get(f"{base}/api/altcha?item=jam:{JAM}", timeout=30,
                             headers={"X-Forwarded-For": forwarded}).json()
    started = time.perf_counter()
    found = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"],
                                      challenge["algorithm"], challenge["maxNumber"])
    took = time.perf_counter() - started
    assert found is not None
    payload = {"algorithm": challenge["algorithm"], "challenge": challenge["challenge"],
               "number": found.number, "salt": challenge["salt"],
               "signature": challenge["signature"]}
    return base64.b64encode(json.dumps(payload).encode()).decode(), took


def _post(base: str, n: int, forwarded: str, solving: bool) -> tuple[int, str, float]:
    body: dict[str, Any] = {"title": f"Cheap pills offer number {n}", "body": "Buy now."}
    took = 0.0
    if solving:
        body["altcha"], took = _solve(base, forwarded)
    response = requests.post(f"{base}/api/jams/{JAM}/ideas", json=body, timeout=30,
                             headers={"Origin": base, "X-Forwarded-For": forwarded})
    status = response.json().get("status", "") if response.status_code == 201 else ""
    return response.status_code, status, took


def run(mode: str, moderation: str, ideas: int, addresses: int) -> dict[str, Any]:
    """One mode against a fresh server and a jam with ``moderation``; returns the figures."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"spam-{mode}-"))
    sync_blocks(data_dir, jams=[{"id": JAM, "title": "What next?", "moderation": moderation}])
    server = Gunicorn(data_dir, data_dir / "gunicorn.log", POLLSERVER_RATE_LIMITS="on",
                      POLLSERVER_TRUSTED_PROXIES="1", POLLSERVER_PROOF="on").start()
    assert server.proc is not None
    cpu_start = _cpu_seconds(server.proc.pid)
    started = time.perf_counter()
    solving = mode == "solving"
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(
                lambda n: _post(server.base, n, f"127.0.1.{n % addresses + 1}", solving),
                range(ideas)))
        reader_status = _post(server.base, 0, "127.0.2.1", True)
        wall = time.perf_counter() - started
        cpu = _cpu_seconds(server.proc.pid) - cpu_start
        jam = requests.get(f"{server.base}/api/jams/{JAM}?limit=100", timeout=30).json()
    finally:
        server.stop()
    codes: dict[str, int] = {}
    for code, _, _ in results:
        codes[str(code)] = codes.get(str(code), 0) + 1
    return {
        "mode": mode, "moderation": moderation, "ideas_sent": ideas, "addresses": addresses,
        "answers": codes,
        "accepted": sum(1 for code, _, _ in results if code == 201),
        "published_by_bots": sum(1 for _, status, _ in results if status == "published"),
        "visible_ideas": len(jam.get("ideas") or []),
        # A bot's idea may go up and back to the queue when the burst is flagged: what counts
        # is what a reader sees at the end.
        "visible_bot_ideas": sum(1 for i in jam.get("ideas") or []
                                 if str(i.get("title", "")).startswith("Cheap pills")),
        "reader": f"{reader_status[0]} {reader_status[1]}",
        "server_cpu_s": round(cpu, 2), "wall_s": round(wall, 1),
        "bot_solve_s": round(sum(took for _, _, took in results), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=1000)
    parser.add_argument("--addresses", type=int, default=20)
    parser.add_argument("--modes", default="raw:post,solving:post,solving:first",
                        help="mode:moderation pairs, comma separated")
    args = parser.parse_args()
    for pair in args.modes.split(","):
        mode, _, moderation = pair.partition(":")
        print(json.dumps(run(mode, moderation or "post", args.ideas, args.addresses)),
              flush=True)


if __name__ == "__main__":
    main()
