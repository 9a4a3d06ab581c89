"""Every kind of write holds across ``gunicorn -w 2`` on one data dir, as in one process.

Poll votes are covered by ``test_gunicorn.py``; here: jam budgets, one reward code per voter,
one survey answer per voter, the per-voter idea limit and merges racing idea votes. Each test
fires parallel clients, each on its own connection so the kernel spreads them over both
workers, checks from the ``X-Worker`` header that both workers really answered, and then
checks the exact outcome, both over HTTP and in the store files after a graceful stop.

The bursts are large (well over a hundred requests at once, every voter racing itself on
both workers): with the cross-process ``flock`` taken out of the store, two workers apply
against the same stale state and these tests fail; a burst of a few dozen did not show it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from pollserver.store.tinydb import TinyDBStore
from tests.live_server import Gunicorn, cli, sync_blocks

pytestmark = pytest.mark.slow

BUDGET_JAM = {"id": "budget", "title": "Budgets", "votes_per_person": 3}
MERGE_JAM = {"id": "merge", "title": "Merges", "votes_per_person": 0}
IDEA_JAM = {"id": "ideas", "title": "Ideas", "votes_per_person": 0}
REWARD_POLL = {"id": "gift", "question": "Which?", "options": ["Red", "Blue"],
               "changeable": True, "reward": "pool"}
SURVEY = {"id": "nps"}
PASSWORD = "correct horse battery staple"


class Client:
    """One reader (one voter cookie); every request on a fresh connection."""

    def __init__(self, server: Gunicorn, workers: Counter[str]) -> None:
        self.server, self.workers = server, workers
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def post(self, path: str, body: dict[str, Any], method: str = "POST"
             ) -> requests.Response:
        with requests.Session() as session:  # a new connection: either worker may take it
            session.cookies.update(self.cookies)
            response = session.request(method, self.server.base + path, json=body,
                                       headers={"Origin": self.server.base}, timeout=60)
            with self.lock:
                self.workers[response.headers.get("X-Worker", "?")] += 1
                if not self.cookies:
                    self.cookies.update(session.cookies.get_dict())
        return response

    @property
    def voter(self) -> str:
        cookie = next(v for k, v in self.cookies.items() if k.endswith("vh_voter"))
        return cookie.rsplit(".", 1)[0]


def _start(tmp_path: Path, **env: str) -> Gunicorn:
    data_dir = tmp_path / "var"
    data_dir.mkdir(parents=True)
    sync_blocks(data_dir, polls=[REWARD_POLL], jams=[BUDGET_JAM, MERGE_JAM, IDEA_JAM],
                surveys=[SURVEY])
    codes = tmp_path / "codes.txt"
    codes.write_text("".join(f"CODE-{n:03d}\n" for n in range(100)))
    cli(data_dir, "codes", "load", "pool", str(codes))
    cli(data_dir, "create-admin", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    return Gunicorn(data_dir, tmp_path / "gunicorn.log", POLLSERVER_SNAPSHOT_EVERY="40",
                    **env).start()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Gunicorn]:
    """gunicorn -w 2, rate limits off (the limits are their own test)."""
    server = _start(tmp_path)
    yield server
    server.stop()


def _both(server: Gunicorn, workers: Counter[str]) -> Counter[str]:
    """Return the workers seen, asking on fresh connections (at most 200) when the burst
    happened to land on one: the kernel may hand every connection to the worker that is
    awake, so the burst alone cannot prove a second process serves the same ``var/``."""
    for _ in range(200):
        if len(workers) >= 2:
            break
        with requests.Session() as session:
            answer = session.get(server.base + "/api/health", timeout=30)
        workers[answer.headers.get("X-Worker", "?")] += 1
    return workers


def _parallel(jobs: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _reopen(server: Gunicorn) -> TinyDBStore:
    server.stop()
    return TinyDBStore(server.data_dir)


def _ideas(client: Client, jam: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        response = client.post(f"/api/jams/{jam}/ideas", {"title": f"Idea {jam} {n}"})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def test_jam_budgets_hold_across_workers(server: Gunicorn) -> None:
    workers: Counter[str] = Counter()
    author = Client(server, workers)
    ideas = _ideas(author, "budget", 16)
    voters = [Client(server, workers) for _ in range(10)]
    for voter in voters:  # each voter gets its cookie first, then fires 15 votes at once
        assert voter.post(f"/api/jams/budget/ideas/{ideas[0]}/vote", {}).status_code == 200
    jobs = [lambda v=v, i=i: v.post(f"/api/jams/budget/ideas/{i}/vote", {})
            for i in ideas[1:] for v in voters]
    outcome = Counter(r.status_code for r in _parallel(jobs))
    assert outcome == {200: 2 * 10, 409: 13 * 10}
    assert len(_both(server, workers)) == 2, workers
    store = _reopen(server)
    assert sum(idea.votes for idea in store.list_ideas("budget")) == 3 * 10
    for voter in voters:
        assert len(store.idea_votes_of("budget", voter.voter)) == 3
    store.close()


def test_one_code_per_voter_across_workers(server: Gunicorn) -> None:
    workers: Counter[str] = Counter()
    voters = [Client(server, workers) for _ in range(10)]
    for voter in voters:  # a cookie from a first visit (the survey's page), no code yet
        assert voter.post("/api/surveys/nps/responses", {"score": 9}).status_code == 201
    # Changeable poll: the first vote claims, every parallel change of mind claims again;
    # each voter must end with exactly one code, the same in every answer.
    jobs = [lambda v=v, n=n: v.post("/api/polls/gift/vote",
                                    {"choices": ["blue" if n % 2 else "red"]})
            for n in range(15) for v in voters]
    answers = _parallel(jobs)
    assert Counter(r.status_code for r in answers) == {200: 150}
    assert len(_both(server, workers)) == 2, workers
    codes: dict[str, set[str]] = {}
    for voter, response in zip([v for _ in range(15) for v in voters], answers, strict=True):
        codes.setdefault(voter.voter, set()).add(response.json()["reward"]["code"])
    assert all(len(mine) == 1 for mine in codes.values()), codes
    assert len({next(iter(mine)) for mine in codes.values()}) == 10
    store = _reopen(server)
    assert store.pool_stats()["pool"] == (100, 10)
    assert {store.code_of("pool", v.voter) for v in voters} == {
        next(iter(mine)) for mine in codes.values()}
    store.close()


def test_one_survey_answer_per_voter_across_workers(server: Gunicorn) -> None:
    workers: Counter[str] = Counter()
    voters = [Client(server, workers) for _ in range(10)]
    for voter in voters:  # a cookie first (a first vote elsewhere), then 15 answers at once
        assert voter.post("/api/polls/gift/vote", {"choices": ["red"]}).status_code == 200
    jobs = [lambda v=v, n=n: v.post("/api/surveys/nps/responses", {"score": n % 11})
            for n in range(15) for v in voters]
    outcome = Counter(r.status_code for r in _parallel(jobs))
    assert outcome == {201: 10, 409: 140}
    assert len(_both(server, workers)) == 2, workers
    store = _reopen(server)
    answered = [r.voter_id for r in store.list_responses("nps")]
    assert sorted(answered) == sorted(v.voter for v in voters)
    store.close()


def test_merges_racing_votes_count_each_backer_once(server: Gunicorn) -> None:
    workers: Counter[str] = Counter()
    author = Client(server, workers)
    a, b, c, d, e = _ideas(author, "merge", 5)
    editor = _editor(server)
    voters = [Client(server, workers) for _ in range(6)]
    for voter in voters:
        assert voter.post(f"/api/jams/merge/ideas/{d}/vote", {}).status_code == 200
    votes = [lambda v=v, i=i: v.post(f"/api/jams/merge/ideas/{i}/vote", {})
             for v in voters for i in (a, b, c, e)]
    merges = [lambda s=s, t=t: editor(f"/api/admin/jams/merge/ideas/{s}/merge", {"into": t})
              for s, t in ((b, a), (c, a), (e, d))]
    answers = _parallel(votes + merges)
    assert [r.status_code for r in answers[len(votes):]] == [200, 200, 200]
    assert {r.status_code for r in answers[:len(votes)]} <= {200, 409}
    assert len(_both(server, workers)) == 2, workers
    backed: dict[str, set[str]] = {v.voter: {d} for v in voters}
    for (voter, idea), response in zip([(v, i) for v in voters for i in (a, b, c, e)],
                                       answers[:len(votes)], strict=True):
        if response.status_code == 200:
            backed[voter.voter].add(idea)
    groups = {a: {a, b, c}, d: {d, e}}
    expected = {target: sum(bool(ideas & group) for ideas in backed.values())
                for target, group in groups.items()}
    store = _reopen(server)
    got = {i.id: i.votes for i in store.list_ideas("merge") if i.status != "merged"}
    assert got == expected
    store.close()


def _editor(server: Gunicorn) -> Callable[[str, dict[str, Any]], requests.Response]:
    """Sign in as an editor; return ``post(path, json)`` carrying the session's CSRF token."""
    import re

    token_re = re.compile(r'name="csrf_token" value="([^"]+)"')
    session = requests.Session()
    page = session.get(server.base + "/admin/login", timeout=30).text
    login = session.post(server.base + "/admin/login", headers={"Origin": server.base},
                         data={"username": "editor", "password": PASSWORD,
                               "csrf_token": token_re.search(page).group(1)}, timeout=30)
    assert login.status_code == 200 and login.url.endswith("/admin/"), login.url
    token = token_re.search(session.get(server.base + "/admin/", timeout=30).text).group(1)
    cookies = session.cookies.get_dict()

    def post(path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(server.base + path, json=body, cookies=cookies, timeout=60,
                             headers={"Origin": server.base, "X-CSRF-Token": token})

    return post


def test_idea_limit_holds_across_workers(tmp_path: Path) -> None:
    # The limit can be spent once per server, so a burst that one worker happened to take
    # alone proves nothing: then try again on a fresh server (on a busy box the kernel may
    # hand a whole burst to the one worker that is awake, so allow a few tries).
    for attempt in range(6):
        server = _start(tmp_path / str(attempt), POLLSERVER_RATE_LIMITS="on",
                        POLLSERVER_PROOF="off")
        try:
            # Both workers booted and answering before the burst (on a loaded box the second
            # may still be importing the app when the first already answers health checks).
            if len(_both(server, Counter())) < 2:
                continue  # the second worker is still starting: try a fresh server
            workers: Counter[str] = Counter()
            author = Client(server, workers)
            first = author.post("/api/jams/ideas/ideas", {"title": "First idea"})
            assert first.status_code == 201
            jobs = [lambda n=n, author=author: author.post("/api/jams/ideas/ideas",
                                            {"title": f"Idea no. {n}"}) for n in range(24)]
            outcome = Counter(r.status_code for r in _parallel(jobs))
            # 10 a minute per voter cookie, however many workers share the load (the first,
            # cookie-less idea counts against the address only, as in one process).
            assert outcome == {201: 10, 429: 14}
            if len(workers) < 2:
                continue
            store = _reopen(server)
            assert len(store.list_ideas("ideas")) == 11
            store.close()
            return
        finally:
            server.stop()
    raise AssertionError("one worker took every request six times")
