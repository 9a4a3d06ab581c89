"""The per-address limits hold across ``gunicorn -w 3`` on one data dir (the embedded store).

The first-write burst, new voters and reward codes per address were counted in each
worker's memory: three workers let one address through three times in one burst. They now
count in the limits file every worker opens (``web/limit_file.py``), so a burst gets exactly
the limit: one cookie-less vote per address and item, one reward code per address and pool.

A burst one worker happened to take alone proves nothing, so each test checks the
``X-Worker`` header and tries again on a fresh server when fewer than two workers answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.concurrency.test_workers_per_kind import REWARD_POLL, SURVEY, Client, _both, _parallel
from tests.live_server import Gunicorn, cli, sync_blocks

pytestmark = pytest.mark.slow

BURST = 30


def _server(where: Path, **env: str) -> Gunicorn:
    data_dir = where / "var"
    data_dir.mkdir(parents=True)
    sync_blocks(data_dir, polls=[REWARD_POLL], jams=[], surveys=[SURVEY])
    codes = where / "codes.txt"
    codes.write_text("".join(f"CODE-{n:03d}\n" for n in range(100)))
    cli(data_dir, "codes", "load", "pool", str(codes))
    return Gunicorn(data_dir, where / "gunicorn.log", workers=3, POLLSERVER_RATE_LIMITS="on",
                    **env).start()


def _on_several_workers(tmp_path: Path, env: dict[str, str],
                        burst: Callable[[Gunicorn, Counter[str]], None]) -> None:
    for attempt in range(6):
        server = _server(tmp_path / str(attempt), **env)
        try:
            assert len(_both(server, Counter())) >= 2
            workers: Counter[str] = Counter()
            burst(server, workers)
            if len(workers) >= 2:
                return
        finally:
            server.stop()
    raise AssertionError("one worker took every request six times")


def test_one_cookieless_vote_per_address_across_workers(tmp_path: Path) -> None:
    def burst(server: Gunicorn, workers: Counter[str]) -> None:
        clients = [Client(server, workers) for _ in range(BURST)]
        jobs = [lambda c=c: c.post("/api/polls/gift/vote", {"choices": ["red"]})
                for c in clients]
        outcome = Counter(r.status_code for r in _parallel(jobs))
        assert outcome == {200: 1, 429: BURST - 1}, outcome

    _on_several_workers(tmp_path, {}, burst)


def test_one_reward_code_per_address_across_workers(tmp_path: Path) -> None:
    env = {"POLLSERVER_FIRST_WRITE_BURST": "1000", "POLLSERVER_NEW_VOTERS": "1000/hour"}

    def burst(server: Gunicorn, workers: Counter[str]) -> None:
        clients = [Client(server, workers) for _ in range(BURST)]
        for client in clients:  # each a voter already (the survey), no code yet
            assert client.post("/api/surveys/nps/responses", {"score": 9}).status_code == 201
        jobs = [lambda c=c: c.post("/api/polls/gift/vote", {"choices": ["blue"]})
                for c in clients]
        answers = _parallel(jobs)
        assert Counter(r.status_code for r in answers) == {200: BURST}
        codes = [r.json().get("reward") or {} for r in answers]
        assert sum(1 for c in codes if c.get("code")) == 1, codes

    _on_several_workers(tmp_path, env, burst)


def test_limits_file_names_no_voter(tmp_path: Path) -> None:
    """The file keeps digests of its keys: a voter id (``voter:<id>``) is never in clear."""
    from pollserver.web.limit_file import FileStorage

    storage = FileStorage(tmp_path / "limits.sqlite3")
    assert storage.acquire_entry("vote/voter:v-secret-id", 5, 60)
    assert storage.get_moving_window("vote/voter:v-secret-id", 5, 60)[1] == 1
    for path in tmp_path.iterdir():
        assert b"v-secret-id" not in path.read_bytes()
