"""Cookie-less writes: the first-write burst, new voters and rewards per client address
(issue 11 item 3, issue 16 item 1).

Every request here comes from one address without keeping cookies, as an attacker dropping
the cookie (or a browser sending its first actions in parallel) would. Rate limits are on in
these tests only; the suite's default keeps them off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.web.context import services_of
from pollserver.web.newvoters import BURST_ACTION
from tests.conftest import ORIGIN, make_item
from tests.instant import TEST_NOW
from tests.security.stores import BACKENDS, _drop, make_settings

POOL_CODES = [f"CODE-{n:03d}" for n in range(100)]


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """``limited(backend, **settings)``: an app with rate limits on, a poll (reward pool
    ``thanks``), a jam with three ideas and a budget of two, and a survey."""
    opened: list[tuple[Flask, str | None]] = []

    def make(backend: str = "memory", **changes: object) -> Flask:
        changes = {"rate_limits": "on", "proof": "off", "burst_queue": 0, **changes}
        settings, schema = make_settings(backend, tmp_path / str(len(opened)), **changes)
        app = create_app(settings)
        opened.append((app, schema))
        store = services_of(app).store
        store.sync_items([
            make_item("poll", id="p", question="Which day?", options=["Monday", "Friday"],
                      reward="thanks"),
            make_item("jam", id="j", title="Ideas", votes_per_person=2, reward="jam-thanks"),
            make_item("survey", id="s", reward="survey-thanks")])
        for pool in ("thanks", "jam-thanks", "survey-thanks"):
            store.add_codes(pool, POOL_CODES)
        for n in range(3):
            store.add_idea("j", title=f"Idea number {n}", body="", author=None,
                           voter_id=None, moderation="published", at=TEST_NOW)
        return app

    yield make
    for app, schema in opened:
        services_of(app).store.close()
        if schema:
            _drop(schema)


def _in_parallel(n: int, action: Callable[[int], object]) -> list:
    """Run ``action(i)`` in ``n`` threads released together; return the results in order."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _vote(app: Flask, **kwargs: object):
    """One cookie-less JSON vote (a fresh client every call: no cookie jar)."""
    return app.test_client().post("/api/polls/p/vote", json={"choices": ["monday"]},
                                  headers={"Origin": ORIGIN}, **kwargs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_thirty_parallel_cookieless_votes_count_once(limited, backend: str) -> None:
    app = limited(backend)
    responses = _in_parallel(30, lambda i: _vote(app))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [429] * 29
    refused = [r for r in responses if r.status_code == 429]
    assert all(r.get_json()["error"]["code"] == "rate_limited" for r in refused)
    assert all(1 <= int(r.headers["Retry-After"]) <= 6 for r in refused)
    assert services_of(app).store.tally("p").total == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_cookieless_form_posts_count_once(limited, backend: str) -> None:
    app = limited(backend)
    first = app.test_client().post("/api/polls/p/vote", data={"choices": "monday"},
                                   headers={"Origin": ORIGIN})
    second = app.test_client().post("/api/polls/p/vote", data={"choices": "monday"},
                                    headers={"Origin": ORIGIN})
    assert (first.status_code, second.status_code) == (303, 303)
    assert services_of(app).store.tally("p").total == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_first_visit_budget_from_parallel_tabs_holds(limited, backend: str) -> None:
    app = limited(backend)
    store = services_of(app).store
    ideas = [i.id for i in store.list_ideas("j")]

    def spend(i: int):
        return app.test_client().post(f"/api/jams/j/ideas/{ideas[i % 3]}/vote", json={},
                                      headers={"Origin": ORIGIN})

    responses = _in_parallel(12, spend)
    assert sorted(r.status_code for r in responses) == [200] + [429] * 11
    assert sum(i.votes for i in store.list_ideas("j")) == 1
    # The same for the no-JS form of two tabs.
    app2 = limited(backend)
    ideas2 = [i.id for i in services_of(app2).store.list_ideas("j")]
    for idea in ideas2:
        app2.test_client().post(f"/api/jams/j/ideas/{idea}/vote", data={"x": "1"},
                                headers={"Origin": ORIGIN})
    assert sum(i.votes for i in services_of(app2).store.list_ideas("j")) == 1


def test_dropping_the_cookie_fifty_times_gives_one_code(limited) -> None:
    app = limited()
    store = services_of(app).store
    codes = [(_vote(app).get_json() or {}).get("reward") for _ in range(50)]
    assert store.pool_stats()["thanks"] == (100, 1)
    assert sum(1 for c in codes if c and c["code"]) == 1


def test_one_code_per_address_and_pool_even_when_votes_count(limited) -> None:
    # Bursts and new voters allowed: every vote counts, still only one code.
    app = limited(first_write_burst=1000, new_voters="1000/hour")
    store = services_of(app).store
    rewards = [_vote(app).get_json()["reward"] for _ in range(50)]
    assert store.tally("p").total == 50
    assert store.pool_stats()["thanks"] == (100, 1)
    assert rewards[0]["status"] == "claimed"
    assert {r["status"] for r in rewards[1:]} == {"limited"}
    assert "one per connection" in rewards[1]["message"]
    # Another address still gets its code.
    other = _vote(app, environ_base={"REMOTE_ADDR": "127.0.0.2"}).get_json()["reward"]
    assert other["status"] == "claimed"
    assert store.pool_stats()["thanks"] == (100, 2)


def test_one_survey_code_per_address_even_when_answers_count(limited) -> None:
    app = limited(first_write_burst=1000, new_voters="1000/hour")
    store = services_of(app).store

    def answer(**kwargs: object):
        return app.test_client().post("/api/surveys/s/responses", json={"score": 9},
                                      headers={"Origin": ORIGIN}, **kwargs)

    answers = [answer() for _ in range(10)]
    assert [r.status_code for r in answers] == [201] * 10
    assert len(store.list_responses("s")) == 10
    assert store.pool_stats()["survey-thanks"] == (100, 1)
    rewards = [r.get_json()["reward"] for r in answers]
    assert rewards[0]["status"] == "claimed"
    assert {r["status"] for r in rewards[1:]} == {"limited"}
    other = answer(environ_base={"REMOTE_ADDR": "127.0.0.2"}).get_json()["reward"]
    assert other["status"] == "claimed"
    assert store.pool_stats()["survey-thanks"] == (100, 2)


def test_one_jam_code_per_address_for_votes_and_ideas(limited) -> None:
    app = limited(first_write_burst=1000, new_voters="1000/hour")
    store = services_of(app).store
    first = store.list_ideas("j")[0].id

    def vote(**kwargs: object):
        return app.test_client().post(f"/api/jams/j/ideas/{first}/vote", json={},
                                      headers={"Origin": ORIGIN}, **kwargs)

    def submit(n: int, **kwargs: object):
        return app.test_client().post("/api/jams/j/ideas", json={
            "title": f"A new idea {n}", "body": ""}, headers={"Origin": ORIGIN}, **kwargs)

    assert [vote().status_code for _ in range(8)] == [200] * 8
    assert [submit(n).status_code for n in range(4)] == [201] * 4
    assert store.get_idea(first).votes == 8 and len(store.list_ideas("j")) == 7
    assert store.pool_stats()["jam-thanks"] == (100, 1)
    # Another address: one more code, whichever way it takes part first.
    assert submit(9, environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 201
    assert vote(environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 200
    assert store.pool_stats()["jam-thanks"] == (100, 2)


def test_new_voters_per_address_are_limited(limited) -> None:
    app = limited(first_write_burst=1000, new_voters="5/hour")
    statuses = [_vote(app).status_code for _ in range(12)]
    assert statuses == [200] * 5 + [429] * 7
    assert services_of(app).store.tally("p").total == 5
    assert _vote(app, environ_base={"REMOTE_ADDR": "127.0.0.3"}).status_code == 200


def test_a_voter_with_a_cookie_is_not_held_back(limited) -> None:
    app = limited()
    client = app.test_client()  # keeps its cookie, like a browser
    assert client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                       headers={"Origin": ORIGIN}).status_code == 200
    ideas = [i.id for i in services_of(app).store.list_ideas("j")]
    for idea in ideas[:2]:
        assert client.post(f"/api/jams/j/ideas/{idea}/vote", json={},
                           headers={"Origin": ORIGIN}).status_code == 200
    assert client.post("/api/surveys/s/responses", json={"score": 9},
                       headers={"Origin": ORIGIN}).status_code == 201


def test_rate_limits_off_turns_the_first_write_limits_off(limited) -> None:
    app = limited(rate_limits="off")
    responses = _in_parallel(10, lambda i: _vote(app))
    assert [r.status_code for r in responses] == [200] * 10
    store = services_of(app).store
    assert store.tally("p").total == 10
    assert store.pool_stats()["thanks"] == (100, 10)


def test_admin_lists_suspicious_bursts(limited) -> None:
    from tests.admin.conftest import EditorActions, password_hash

    app = limited(first_write_burst=1000, new_voters="1000/hour", suspicious_new_voters=4)
    for _ in range(6):
        _vote(app)
    store = services_of(app).store
    bursts = [e for e in store.list_audit() if e.action == BURST_ACTION]
    assert [(e.target, e.details["new_voters"]) for e in bursts] == [("poll:p", 4)]
    assert "127.0.0.1" not in repr(bursts)
    store.put_admin("editor", password_hash())
    editor = EditorActions(app.test_client())
    assert editor.login().status_code == 302
    page = editor.client.get("/admin/").get_data(as_text=True)
    assert "Suspicious bursts" in page and "poll:p" in page
    assert bursts[0].details["address_hash"] in page
