"""A PostgreSQL outage is a quick 503, not a stalled server, and it heals by itself.

gunicorn -w 2 talks to the real PostgreSQL through a loopback TCP proxy that the test cuts
and restores (the database itself is never stopped). While it is cut: every vote answers 503
``store_unavailable`` with ``Retry-After`` before a client timeout far below the old 30 s pool
wait, a static page and ``/api/health`` answer while votes are pending, and health says 503.
After the restore the server recovers without a restart, and the total is exactly the votes
that were acknowledged with 200.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import make_item
from tests.faults.tcp_proxy import TcpProxy
from tests.live_server import Gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: A client gives up after this long; the old code took ~30 s per vote during an outage.
CLIENT_TIMEOUT = 10


@pytest.fixture
def schema(pg_url: str) -> Iterator[str]:
    """A fresh schema holding one poll; dropped afterwards."""
    import psycopg

    from pollserver.store.postgres import PostgresStore

    name = f"test_outage_{uuid.uuid4().hex[:12]}"
    store = PostgresStore(pg_url, schema=name)
    store.sync_items([make_item("poll", id="p", question="Which?", options=["Red", "Blue"],
                                  results="always")])
    store.close()
    yield name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(pg_url)
    proxy = TcpProxy((info.get("host") or "127.0.0.1", int(info.get("port") or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def server(tmp_path: Path, schema: str, proxy: TcpProxy, pg_url: str) -> Iterator[Gunicorn]:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Hub</title><p>Static home</p>")
    info = conninfo_to_dict(pg_url)
    url = make_conninfo(**{**info, "host": "127.0.0.1", "port": str(proxy.port),
                           "options": f"-c search_path={schema}"})
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    server = Gunicorn(data_dir, tmp_path / "gunicorn.log", POLLSERVER_DATABASE_URL=url,
                      POLLSERVER_SITE_DIR=str(site), POLLSERVER_DB_TIMEOUT="2").start()
    yield server
    server.stop()


def _vote(server: Gunicorn, choice: str) -> requests.Response:
    return requests.post(f"{server.base}/api/polls/p/vote", json={"choices": [choice]},
                         headers={"Origin": server.base}, timeout=CLIENT_TIMEOUT)


def test_outage_is_a_quick_503_and_heals_by_itself(server: Gunicorn, proxy: TcpProxy) -> None:
    acknowledged = sum(_vote(server, "red").status_code == 200 for _ in range(6))
    assert acknowledged == 6
    health = requests.get(server.base + "/api/health", timeout=CLIENT_TIMEOUT)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    proxy.cut()
    # A dozen votes at once (more than the 8 threads of both workers) plus a static page and
    # health in the middle of them: nobody waits for the dead database.
    outcomes: list[requests.Response] = []
    lock = threading.Lock()

    def vote() -> None:
        response = _vote(server, "blue")
        with lock:
            outcomes.append(response)

    threads = [threading.Thread(target=vote) for _ in range(12)]
    for thread in threads:
        thread.start()
    home = requests.get(server.base + "/", timeout=CLIENT_TIMEOUT)
    down = requests.get(server.base + "/api/health", timeout=CLIENT_TIMEOUT)
    for thread in threads:
        thread.join()
    assert home.status_code == 200 and "Static home" in home.text
    assert down.status_code == 503, down.text
    assert down.json()["status"] == "unavailable" and down.json()["store"] == "postgres"
    assert down.headers["Retry-After"].isdigit()
    assert len(outcomes) == 12
    for response in outcomes:
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "store_unavailable"
        assert int(response.headers["Retry-After"]) >= 1

    proxy.restore()
    # Recovery by itself: vote as clients would, honouring Retry-After, until both workers
    # have answered 200 again.
    recovered: set[str] = set()
    for _ in range(80):
        response = _vote(server, "blue")
        if response.status_code == 200:
            acknowledged += 1
            recovered.add(response.headers["X-Worker"])
            if len(recovered) == 2:
                break
            continue
        assert response.status_code == 503, response.text
        threading.Event().wait(int(response.headers["Retry-After"]) / 4)
    else:
        raise AssertionError(f"not every worker recovered by itself: {recovered}")
    health = requests.get(server.base + "/api/health", timeout=CLIENT_TIMEOUT)
    assert health.status_code == 200, health.text
    poll = requests.get(f"{server.base}/api/polls/p", timeout=CLIENT_TIMEOUT).json()
    assert poll["results"]["total"] == acknowledged
