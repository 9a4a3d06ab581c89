"""One voter firing 20 parallel votes at a jam with a budget of 3 ends with exactly 3."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_item

pytestmark = pytest.mark.slow

PARALLEL = 20


@pytest.fixture
def server(app):
    """Serve the app on a real threaded HTTP server on 127.0.0.1."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(timeout=10)


def _post(port: int, path: str, body: dict, cookie: str = "") -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    set_cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    return response.status, data, set_cookie.split(";", 1)[0]


def test_parallel_votes_never_overspend_the_budget(server, store):
    store.sync_items([make_item("jam", id="race", title="Race", votes_per_person=3)])
    status, first, cookie = _post(server, "/api/jams/race/ideas",
                                  {"title": "Idea number 0", "body": ""})
    assert status == 201 and cookie.startswith("vh_voter=")
    ids = [first["id"]] + [
        _post(server, "/api/jams/race/ideas", {"title": f"Idea number {n}", "body": ""},
              cookie)[1]["id"]
        for n in range(1, PARALLEL)]
    barrier = threading.Barrier(PARALLEL)

    def vote(idea_id: str) -> tuple[int, str]:
        barrier.wait()
        code, body, _ = _post(server, f"/api/jams/race/ideas/{idea_id}/vote", {}, cookie)
        return code, body.get("error", {}).get("code", "")

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(vote, ids))
    assert sorted(results).count((200, "")) == 3
    assert results.count((409, "no_votes_left")) == PARALLEL - 3
    assert sum(i.votes for i in store.list_ideas("race")) == 3
