"""Soak: mixed traffic against ``gunicorn -w 2`` for minutes, with kill -9 on the embedded store.

    .venv/bin/python bench/soak.py --minutes 10 --store both

Reads are 80 % (a static page, the poll, the jam); the rest are votes, ideas, idea votes,
survey answers and erasures, each by a fresh voter (its own cookie), recorded in a client-side
ledger (``soak_ledger.py``). On the embedded store the whole gunicorn (master and workers) is
killed with SIGKILL once a minute and started again on the same data dir. At the end the
server is stopped and the store opened directly: every acknowledged write must be there and
the totals must match the ledger exactly. Printed: requests, writes, kills, read p50/p99,
worker RSS at the start and the end (growth in %), and the ledger check. A benchmark, not a
test: it prints figures and targets (RSS growth < 20 %, read p99 < 50 ms) and asserts nothing
about time. Only 127.0.0.1 is contacted; a PostgreSQL run uses a schema of its own and drops it.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from itsdangerous import Signer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import BIN, ROOT, Server, gunicorn_args  # noqa: E402
from bench.soak_ledger import JAM, POLL, SURVEY, Ledger  # noqa: E402
from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import spec_to_manifest  # noqa: E402

PG_URL = os.environ.get("POLLSERVER_TEST_DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:5432/test")
OPTIONS = ("red", "green", "blue")
#: (what, weight): 80 % reads.
MIX = [("read-page", 30), ("read-poll", 25), ("read-jam", 25), ("vote", 7), ("idea", 3),
       ("idea-vote", 5), ("answer", 3), ("erase", 2)]


class Soak:
    """One soak run against one store."""

    def __init__(self, store: str, minutes: float, clients: int, work: Path,
                 kill_every: float = 60.0) -> None:
        self.store, self.seconds, self.clients, self.work = store, minutes * 60, clients, work
        self.kill_every = kill_every
        self.data_dir = work / "var"
        self.ledger = Ledger()
        self.read_ms: list[float] = []
        self.errors = self.requests = self.kills = 0
        self.voters: list[str] = []  # cookies of voters who wrote something
        self.base = ""
        self.lock = threading.Lock()
        key = hmac.new(b"soak", b"valuehub voter cookie", hashlib.sha256).digest()
        self.signer = Signer(key, key_derivation="none", digest_method=hashlib.sha256)
        self.schema = f"soak_{uuid.uuid4().hex[:10]}" if store == "postgres" else None
        self.env = {"POLLSERVER_DATA_DIR": str(self.data_dir), "POLLSERVER_RATE_LIMITS": "off",
                    "POLLSERVER_SITE_DIR": str(work / "site"), "POLLSERVER_LOG_LEVEL": "WARNING",
                    "POLLSERVER_SNAPSHOT_EVERY": "2000", "POLLSERVER_SECRET_KEY": "soak"}
        if self.schema:
            self.env["POLLSERVER_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{self.schema}"

    # -- set-up ------------------------------------------------------------------------

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True)
        site = self.work / "site"
        site.mkdir()
        (site / "index.html").write_text("<!doctype html><title>Soak</title>" + "<p>x" * 2000)
        if self.schema:
            from pollserver.store.postgres import PostgresStore

            PostgresStore(PG_URL, schema=self.schema).close()
        blocks = {"polls": [("poll", {"id": POLL, "question": "Which?", "results": "always",
                                      "options": ["Red", "Green", "Blue"]})],
                  "jams": [("jam", {"id": JAM, "title": "Ideas", "votes_per_person": 0})],
                  "surveys": [("survey", {"id": SURVEY})]}
        doc: dict[str, Any] = {"version": 1}
        for plural, entries in blocks.items():
            doc[plural] = [{**spec_to_manifest(parse_spec(kind, block)), "source": "soak.md:1",
                            "url": "/index.html"} for kind, block in entries]
        manifest = self.work / "manifest.json"
        manifest.write_text(json.dumps(doc))
        subprocess.run([str(BIN / "pollserver"), "sync", "--manifest", str(manifest)],
                       cwd=ROOT, env={**os.environ, **self.env, "PYTHONPATH": str(ROOT)},
                       check=True, capture_output=True)

    def start(self) -> Server:
        server = Server("pollserver.wsgi:app", self.env, gunicorn_args(workers=2, threads=8),
                        self.work / "gunicorn.log")
        server.wait_ready("/api/health")
        self.base = f"http://127.0.0.1:{server.port}"
        return server

    # -- traffic -----------------------------------------------------------------------

    def client(self, n: int, stop: threading.Event) -> None:
        rng = random.Random(n)
        kinds = [k for k, w in MIX for _ in range(w)]
        reader = requests.Session()
        while not stop.is_set():
            kind = rng.choice(kinds)
            try:
                if kind.startswith("read"):
                    self.read(reader, kind)
                else:
                    self.write(kind, rng)
            except requests.RequestException:
                with self.lock:
                    self.errors += 1
                time.sleep(0.05)  # the server is being restarted

    def read(self, session: requests.Session, kind: str) -> None:
        path = {"read-page": "/", "read-poll": f"/api/polls/{POLL}",
                "read-jam": f"/api/jams/{JAM}"}[kind]
        started = time.perf_counter()
        response = session.get(self.base + path, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.requests += 1
            if response.status_code == 200:
                self.read_ms.append(elapsed)
            else:
                self.errors += 1

    def write(self, kind: str, rng: random.Random) -> None:
        session = requests.Session()
        headers = {"Origin": self.base}
        # A fresh voter whose id the ledger knows before the request is sent, so a write
        # whose answer is lost to a kill can still be looked up afterwards.
        voter = secrets.token_hex(16)
        session.cookies.set("vh_voter", self.signer.sign(voter).decode())
        if kind == "erase":
            with self.lock:
                cookie = self.voters.pop(rng.randrange(len(self.voters))) if self.voters \
                    else None
            if cookie is None:
                return
            session.cookies.set("vh_voter", cookie)
            voter = cookie.rsplit(".", 1)[0]
            self.send(session, "erase", voter, "DELETE", "/api/me", {}, headers)
            return
        if kind == "vote":
            choice = rng.choice(OPTIONS)
            self.send(session, kind, voter, "POST", f"/api/polls/{POLL}/vote",
                      {"choices": [choice]}, headers, choice)
        elif kind == "idea":
            self.send(session, kind, voter, "POST", f"/api/jams/{JAM}/ideas",
                      {"title": f"Soak idea {uuid.uuid4().hex[:8]}"}, headers)
        elif kind == "idea-vote":
            with self.ledger.lock:
                ideas = list(self.ledger.ideas)
            if ideas:
                idea = rng.choice(ideas)
                self.send(session, kind, voter, "POST", f"/api/jams/{JAM}/ideas/{idea}/vote",
                          {}, headers, idea)
        else:
            self.send(session, kind, voter, "POST", f"/api/surveys/{SURVEY}/responses",
                      {"score": rng.randint(0, 10)}, headers)

    def send(self, session: requests.Session, kind: str, voter: str, method: str,
             path: str, body: Any, headers: dict[str, str], value: Any = None) -> None:
        try:
            response = session.request(method, self.base + path, json=body, headers=headers,
                                        timeout=30)
        except requests.RequestException:
            self.ledger.unsure(kind, voter)
            raise
        with self.lock:
            self.requests += 1
        if response.status_code not in (200, 201):
            with self.lock:
                self.errors += 1
            return
        cookie = session.cookies.get("vh_voter") or ""
        if kind == "idea":
            value = (response.json()["id"], body["title"])
        self.ledger.ack(kind, voter, value)
        if kind != "erase" and cookie:
            with self.lock:
                self.voters.append(cookie)

    # -- the run -----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.prepare()
        server = self.start()
        stop = threading.Event()
        threads = [threading.Thread(target=self.client, args=(n, stop), daemon=True)
                   for n in range(self.clients)]
        for thread in threads:
            thread.start()
        time.sleep(min(10.0, self.seconds / 6))  # warm-up before the first RSS sample
        rss_start = sum(server.worker_rss_mb())
        started = time.monotonic()
        next_kill = started + self.kill_every
        rss_end = rss_start
        while time.monotonic() - started < self.seconds:
            time.sleep(0.5)
            if self.store == "tinydb" and time.monotonic() >= next_kill:
                rss_end = sum(server.worker_rss_mb())
                server.proc.kill()  # the master; then the rest of its group
                os.killpg(server.proc.pid, 9)
                server.proc.wait()
                server.stop()
                self.kills += 1
                server = self.start()
                next_kill += self.kill_every
        rss_end = sum(server.worker_rss_mb()) if self.store != "tinydb" or not self.kills \
            else max(rss_end, sum(server.worker_rss_mb()))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()
        return self.report(rss_start, rss_end)

    def report(self, rss_start: float, rss_end: float) -> dict[str, Any]:
        store = self.open_store()
        try:
            problems = self.ledger.check(store)
        finally:
            store.close()
            self.drop_schema()
        reads = sorted(self.read_ms)

        def pct(p: float) -> float:
            return reads[min(len(reads) - 1, int(len(reads) * p))] if reads else float("nan")

        return {"store": self.store, "minutes": round(self.seconds / 60, 2),
                "requests": self.requests, "acknowledged_writes": self.ledger.writes(),
                "uncertain_writes": sum(map(len, self.ledger.uncertain.values())),
                "errors": self.errors, "kills": self.kills, "read_p50_ms": round(pct(0.5), 1),
                "read_p99_ms": round(pct(0.99), 1), "rss_start_mb": round(rss_start, 1),
                "rss_end_mb": round(rss_end, 1),
                "rss_growth_pct": round(100 * (rss_end - rss_start) / rss_start, 1)
                if rss_start else None,
                "ledger": "exact" if not problems else problems[:10]}

    def open_store(self):
        if self.schema:
            from pollserver.store.postgres import PostgresStore

            return PostgresStore(PG_URL, schema=self.schema)
        from pollserver.store.tinydb import TinyDBStore

        return TinyDBStore(self.data_dir)

    def drop_schema(self) -> None:
        if self.schema:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--store", choices=("tinydb", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--kill-every", type=float, default=60.0,
                        help="seconds between kill -9 of the embedded store's server")
    args = parser.parse_args()
    stores = ("tinydb", "postgres") if args.store == "both" else (args.store,)
    failed = False
    for store in stores:
        with tempfile.TemporaryDirectory(prefix=f"soak-{store}-") as work:
            result = Soak(store, args.minutes, args.clients, Path(work), args.kill_every).run()
        print(json.dumps(result))
        growth = result["rss_growth_pct"] or 0.0
        print(f"{store}: ledger {'exact' if result['ledger'] == 'exact' else 'MISMATCH'}; "
              f"read p99 {result['read_p99_ms']} ms (target < 50); RSS growth {growth} % "
              f"(target < 20); {result['kills']} kill -9")
        failed |= result["ledger"] != "exact"
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
