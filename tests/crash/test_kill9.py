"""``kill -9`` the whole gunicorn (master and both workers) during a vote stream, 30 times.

Every vote that got a 200 must still be there afterwards, and the store must open every
time. Snapshots are taken every 40 votes, so many kills land during or near a snapshot and
journal rotation, not only in the middle of an append.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from pollserver.store.tinydb import TinyDBStore
from tests.live_server import Gunicorn, sync_polls

pytestmark = pytest.mark.slow

KILLS = 30
CHOICES = ("red", "green", "blue")
POLL = {"id": "crash", "question": "Which?", "options": ["Red", "Green", "Blue"],
        "results": "always"}


def stream_votes(server: Gunicorn, stop: threading.Event, acked: list, lock: threading.Lock,
                 rng: random.Random) -> None:
    """Vote as new voter after new voter until the server dies; remember each 200."""
    while not stop.is_set():
        session = requests.Session()
        choice = rng.choice(CHOICES)
        try:
            response = server.vote(session, "crash", choice)
        except requests.RequestException:
            return  # the server died mid-request: this vote was never acknowledged
        assert response.status_code == 200, response.text
        with lock:
            acked.append((session.cookies.get_dict(), choice))


def test_acknowledged_votes_survive_kill_9(tmp_path: Path):
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    sync_polls(data_dir, POLL)
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    server = Gunicorn(data_dir, tmp_path / "gunicorn.log", POLLSERVER_SNAPSHOT_EVERY="40")
    acked: list[tuple[dict[str, str], str]] = []
    lock = threading.Lock()

    for _ in range(KILLS):
        server.start()
        stop = threading.Event()
        clients = [threading.Thread(target=stream_votes,
                                    args=(server, stop, acked, lock, random.Random(rng.random())))
                   for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(rng.uniform(0.02, 0.5))
        server.kill()  # master and workers at once, no chance to flush or snapshot
        stop.set()
        for client in clients:
            client.join()

    assert len(acked) > 100, f"too few votes reached the server (seed {seed})"
    store = TinyDBStore(data_dir)  # opens after the last kill, without a clean shutdown
    tally = store.tally("crash")
    store.close()
    wanted = Counter(choice for _, choice in acked)
    assert tally.total >= len(acked), f"seed {seed}"
    assert all(tally.counts.get(c, 0) >= n for c, n in wanted.items()), f"seed {seed}"

    server.start()  # ... and every acknowledged voter still finds their own vote
    try:
        def my_vote(cookies: dict[str, str]) -> list[str] | None:
            session = requests.Session()
            session.cookies.update(cookies)
            return server.poll("crash", session)["my_vote"]

        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(my_vote, (cookies for cookies, _ in acked)))
        missing = [(c, choice) for (c, choice), mine in zip(acked, found, strict=True)
                   if mine != [choice]]
        assert missing == [], f"{len(missing)} acknowledged votes lost (seed {seed})"
        assert server.poll("crash")["results"]["total"] == tally.total
    finally:
        server.stop()
