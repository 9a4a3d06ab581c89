"""Two gunicorn workers on one TinyDB data dir: parallel voters count exactly, never twice."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from pathlib import Path

import pytest
import requests

from pollserver.store.tinydb import TinyDBStore
from tests.live_server import Gunicorn, sync_polls

pytestmark = pytest.mark.slow

POLL = {"id": "busy", "question": "Which?", "options": ["Red", "Green", "Blue"],
        "results": "always"}
WARMUP = {"id": "warmup", "question": "Hello?", "options": ["Yes", "No"]}


@pytest.fixture
def server(tmp_path: Path):
    """gunicorn -w 2 on a data dir holding the two polls; stopped gracefully afterwards."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    sync_polls(data_dir, POLL, WARMUP)
    server = Gunicorn(data_dir, tmp_path / "gunicorn.log",
                      POLLSERVER_SNAPSHOT_EVERY="100").start()
    yield server
    server.stop()


def _voters(base: str, count: int, results) -> None:
    """One client process: ``count`` new voters, five threads, each vote from a fresh jar."""
    server = Gunicorn(Path("."), Path("."))
    server.base = base
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        for i in range(n):
            status = server.vote(requests.Session(), "busy", ("red", "green", "blue")[i % 3])
            with lock:
                statuses[status.status_code] += 1

    threads = [threading.Thread(target=run, args=(count // 5,)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(dict(statuses))


def test_four_processes_of_voters_count_exactly(server):
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_voters, args=(server.base, 250, results)) for _ in range(4)]
    for proc in procs:
        proc.start()
    statuses: Counter[int] = Counter()
    for _ in procs:
        statuses.update(results.get(timeout=240))
    for proc in procs:
        proc.join(timeout=30)
    assert statuses == {200: 1000}
    # Whichever worker answers, it has caught up with the other's votes.
    for _ in range(8):
        results_json = server.poll("busy")["results"]
        assert results_json["total"] == 1000
    server.stop()
    store = TinyDBStore(server.data_dir)
    assert store.tally("busy").total == 1000
    assert store.tally("busy").counts == {"red": 340, "green": 340, "blue": 320}
    store.close()


def test_fifty_parallel_votes_from_one_voter_count_once(server):
    session = requests.Session()
    assert server.vote(session, "warmup", "yes").status_code == 200  # the voter's cookie
    cookies = session.cookies.get_dict()
    barrier = threading.Barrier(50)
    codes: list[int] = []

    def attempt(n: int) -> None:
        own = requests.Session()  # one connection each, same voter cookie
        own.cookies.update(cookies)
        barrier.wait()
        response = server.vote(own, "busy", ("red", "green", "blue")[n % 3])
        codes.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [409] * 49
    assert server.poll("busy")["results"]["total"] == 1
    assert server.poll("busy", session)["my_vote"] is not None
