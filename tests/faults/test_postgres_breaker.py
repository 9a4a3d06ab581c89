"""The PostgreSQL circuit breaker and the pool timeout, each shown to matter on its own.

The outage test (``test_postgres_outage.py``) shows a quick 503 end to end, but a server
without the breaker still answers 503 there, only later. Here the store talks to the real
PostgreSQL through a loopback proxy the test cuts, and the breaker runs on a hand-moved clock: while
the circuit is open a call must be refused *without* touching the database (no pooled
connection asked for, no connection opened), and only after the cooldown does one probe go
through. Separately, a store whose every pooled connection is busy must answer 503
``store_unavailable`` (with ``Retry-After``), not raise ``PoolTimeout`` as a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pollserver.domain.errors import StoreUnavailable
from pollserver.store.breaker import Breaker
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item
from tests.faults.tcp_proxy import TcpProxy
from tests.instant import TEST_NOW

pytestmark = [pytest.mark.postgres]

POLL = make_item("poll", id="p", question="Which?", options=["Red", "Blue"], results="always")


class HandClock:
    """Monotonic seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def schema(pg_url: str) -> Iterator[str]:
    import psycopg

    name = f"test_breaker_{uuid.uuid4().hex[:12]}"
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


def _through(pg_url: str, proxy: TcpProxy) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    info = conninfo_to_dict(pg_url)
    return make_conninfo(**{**info, "host": "127.0.0.1", "port": str(proxy.port)})


def test_an_open_circuit_refuses_at_once_and_one_probe_heals_it(pg_url, schema, proxy,
                                                                 monkeypatch):
    from pollserver.store.postgres import PostgresStore

    clock = HandClock()
    store = PostgresStore(_through(pg_url, proxy), schema=schema, min_size=1, max_size=2,
                          timeout=2, connect_timeout=2,
                          breaker=Breaker(cooldown=1.0, clock=clock))
    try:
        store.sync_items([POLL])
        assert store.tally("p").total == 0
        proxy.cut()
        with pytest.raises(StoreUnavailable):
            store.tally("p")  # the pooled connection is broken: the circuit opens
        assert store.db.breaker.is_open

        # While open, nothing reaches the database: no pooled connection is asked for and
        # no connection is opened, however many calls come.
        import psycopg

        asked: list[str] = []
        real_connection, real_connect = store.db.pool.connection, psycopg.connect
        monkeypatch.setattr(store.db.pool, "connection",
                            lambda *a, **k: asked.append("pool") or real_connection(*a, **k))
        monkeypatch.setattr(psycopg, "connect",
                            lambda *a, **k: asked.append("connect") or real_connect(*a, **k))
        for n in range(20):
            with pytest.raises(StoreUnavailable):
                store.record_vote("p", f"v{n}", ["red"], replace=False, at=TEST_NOW)
        assert asked == []
        assert store.health() is not None and asked == []

        # After the cooldown one caller probes the (still dead) database with one fresh
        # connection; the failed probe opens the circuit again.
        clock.now += 1.0
        with pytest.raises(StoreUnavailable):
            store.tally("p")
        assert asked == ["connect"]
        with pytest.raises(StoreUnavailable):
            store.tally("p")
        assert asked == ["connect"]

        proxy.restore()
        clock.now += 1.0
        assert store.tally("p").total == 0  # the probe succeeds and the pool is renewed
        assert asked == ["connect", "connect"]
        assert not store.db.breaker.is_open and store.health() is None
    finally:
        store.close()


def test_no_free_pooled_connection_is_a_503_not_a_500(pg_url, schema, tmp_path: Path):
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from pollserver import create_app
    from pollserver.config import Settings
    from pollserver.store.postgres import PostgresStore

    PostgresStore(pg_url, schema=schema).close()  # creates the schema and its tables
    info = conninfo_to_dict(pg_url)
    url = make_conninfo(**{**info, "options": f"-c search_path={schema}"})
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                              secret_key="k", database_url=url, db_timeout=0.5))
    store = services_of(app).store
    try:
        store.sync_items([POLL])
        client = app.test_client()
        assert client.get("/api/polls/p").status_code == 200
        # The wait for a pooled connection is POLLSERVER_DB_TIMEOUT, not psycopg's 30 s.
        assert store.db.pool.timeout == 0.5
        held = [store.db.pool.getconn() for _ in range(store.db.pool.max_size)]
        try:
            response = client.post("/api/polls/p/vote", json={"choices": ["red"]},
                                   headers={"Origin": ORIGIN})
            assert response.status_code == 503, response.get_data(as_text=True)
            assert response.get_json()["error"]["code"] == "store_unavailable"
            assert int(response.headers["Retry-After"]) >= 1
            health = client.get("/api/health")
            assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
        finally:
            for conn in held:
                store.db.pool.putconn(conn)
    finally:
        store.close()
    other = PostgresStore(pg_url, schema=schema, auto_upgrade=False)
    try:
        assert other.tally("p").total == 0  # the refused vote was not counted
    finally:
        other.close()
