"""PostgresStore vote throughput against a pgbench single-row INSERT run, in the same minute.

    python -m bench.pg_store [--processes 4] [--threads 8] [--seconds 5] [--url URL]

Every vote goes to ONE poll (the worst case: all writers want the same tally rows), from
distinct voters, through ``PostgresStore.record_vote`` directly (no HTTP). The baseline is
``pgbench -c 8 -j 2 -T <seconds>`` running a one-row INSERT into a plain table, which is about
the least work a durable write can be; the ratio says what the vote's unique check, tally
upserts and Python cost on top. Everything lives in a throwaway schema dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = os.environ.get("POLLSERVER_TEST_DATABASE_URL",
                             "postgresql://postgres@127.0.0.1:5432/test")


def worker(url: str, schema: str, start_at: float, seconds: float, threads: int,
           name: str) -> None:
    """Vote from ``threads`` threads until the deadline; print how many votes were stored."""
    from pollserver.store.postgres import PostgresStore

    store = PostgresStore(url, schema=schema, min_size=threads, max_size=threads,
                          auto_upgrade=False)
    store.pool.wait()
    time.sleep(max(0.0, start_at - time.time()))
    # A worker that starts late (a busy machine) still votes for the full time.
    deadline = max(start_at, time.time()) + seconds

    def loop(thread: int) -> int:
        n = 0
        while time.time() < deadline:
            store.record_vote("bench-poll", f"{name}-{thread}-{n}", ["a" if n % 2 else "b"],
                              replace=False, at=datetime.now(UTC))
            n += 1
        return n

    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(loop, range(threads)))
    store.close()
    print(json.dumps({"votes": total}))


def run_store(url: str, schema: str, processes: int, threads: int, seconds: float) -> float:
    """Return votes per second over all worker processes."""
    start_at = time.time() + 5.0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen(
        [sys.executable, "-m", "bench.pg_store", "--worker", f"w{i}", "--url", url,
         "--schema", schema, "--start-at", str(start_at), "--seconds", str(seconds),
         "--threads", str(threads)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for i in range(processes)]
    votes = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        if proc.returncode:
            raise SystemExit(f"worker failed with {proc.returncode}")
        votes += json.loads(out.strip().splitlines()[-1])["votes"]
    return votes / seconds


def run_pgbench(url: str, schema: str, seconds: float) -> float:
    """Return the transactions per second of pgbench's one-row INSERT."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {schema}.bench_insert"
                     " (id bigserial PRIMARY KEY, poll text, voter text)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(f"INSERT INTO {schema}.bench_insert (poll, voter)"
                     " VALUES ('bench-poll', md5(random()::text));\n")
    try:
        out = subprocess.run(
            ["pgbench", "-h", str(info.get("host", "127.0.0.1")),
             "-p", str(info.get("port", 5432)), "-U", str(info.get("user", "postgres")),
             "-n", "-f", script.name, "-c", "8", "-j", "2", "-T", str(int(seconds)),
             str(info.get("dbname", "test"))],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"tps = ([\d.]+)", out)
    if not match:
        raise SystemExit(f"cannot read pgbench output:\n{out}")
    return float(match[1])


def main() -> None:
    """Measure both and print the numbers and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--worker")
    parser.add_argument("--schema")
    parser.add_argument("--start-at", type=float)
    args = parser.parse_args()
    if args.worker:
        worker(args.url, args.schema, args.start_at, args.seconds, args.threads, args.worker)
        return

    from pollserver.store.postgres import PostgresStore

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    store = PostgresStore(args.url, schema=schema, max_size=1)
    try:
        votes_per_s = run_store(args.url, schema, args.processes, args.threads, args.seconds)
        tally = store.tally("bench-poll")
        assert tally.total == sum(tally.counts.values()), tally
        inserts_per_s = run_pgbench(args.url, schema, args.seconds)
    finally:
        store.close()
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    print(f"PostgresStore.record_vote, {args.processes} processes x {args.threads} threads,"
          f" one poll: {votes_per_s:,.0f} votes/s (tally total {tally.total:,})")
    print(f"pgbench one-row INSERT, -c 8 -j 2: {inserts_per_s:,.0f} tps")
    print(f"ratio: {votes_per_s / inserts_per_s:.2f}")


if __name__ == "__main__":
    main()
