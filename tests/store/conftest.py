"""The ``store`` fixture, run on every backend (TinyDB's ``params=`` habit), and ``reopen``.

PostgreSQL tests each get their own schema in the test database, so they can run in parallel
(``-n 2``) and leave nothing behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pollserver.store.base import Store
from tests.ci import require_module
from tests.conftest import need_service

BACKENDS = ("memory", "tinydb", "postgres")
#: The backends that keep data across a restart: parametrize restart tests over these only,
#: ``@pytest.mark.parametrize("backend", DURABLE, indirect=True)``, so no run skips.
DURABLE = ("tinydb", "postgres")
DATABASE_URL = os.environ.get("POLLSERVER_TEST_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


class Backend:
    """Open (and reopen) stores of one kind on one data dir or schema; close them all after."""

    def __init__(self, name: str, tmp_path: Path) -> None:
        self.name = name
        self.data_dir = tmp_path / "var"
        self.schema = f"test_{uuid.uuid4().hex[:16]}"
        self.opened: list[Store] = []

    @property
    def durable(self) -> bool:
        return self.name != "memory"

    def open(self) -> Store:
        """Open a store on this backend's data (the same data every call)."""
        if self.name == "memory":
            from pollserver.store.memory import MemoryStore

            store: Store = MemoryStore()
        elif self.name == "tinydb":
            from pollserver.store.tinydb import TinyDBStore

            store = TinyDBStore(self.data_dir, snapshot_every=50)
        else:
            store = self._open_postgres()
        self.opened.append(store)
        return store

    def _open_postgres(self) -> Store:
        postgres = require_module("pollserver.store.postgres")
        import psycopg

        try:
            return postgres.PostgresStore(DATABASE_URL, schema=self.schema, timeout=5)
        except psycopg.OperationalError as exc:
            need_service("PostgreSQL", f"{DATABASE_URL} does not answer ({exc})")
            raise

    def reopen(self, store: Store) -> Store:
        """Close ``store`` and open the same data again, as a restarted server would."""
        store.close()
        return self.open()

    def close_all(self) -> None:
        for store in self.opened:
            store.close()
        if self.name == "postgres" and self.opened:
            import psycopg

            with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """One backend per parameter; every store it opened is closed afterwards."""
    opener = Backend(request.param, tmp_path)
    yield opener
    opener.close_all()


@pytest.fixture
def store(backend: Backend) -> Store:
    """A fresh, empty store of each backend."""
    return backend.open()


@pytest.fixture
def reopen(backend: Backend) -> Callable[[Store], Store]:
    """``reopen(store)`` closes it and opens the same data again (durable backends only)."""
    if not backend.durable:
        pytest.fail(f"{backend.name} keeps nothing across a restart: parametrize over DURABLE")
    return backend.reopen


@pytest.fixture(scope="module")
def pg_url() -> str:
    """The test database URL; skip (fail under CI) when the server does not answer."""
    psycopg = require_module("psycopg")
    try:
        psycopg.connect(DATABASE_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        need_service("PostgreSQL", f"{DATABASE_URL}: {str(error).strip()}")
    return DATABASE_URL


@pytest.fixture
def new_pg(pg_url: str) -> Iterator[Callable[[], Store]]:
    """Make PostgreSQL stores in fresh schemas; close them and drop the schemas afterwards."""
    psycopg = require_module("psycopg")
    from pollserver.store.postgres import PostgresStore

    made: list[PostgresStore] = []

    def make() -> PostgresStore:
        made.append(PostgresStore(pg_url, schema=f"vh_test_{uuid.uuid4().hex[:12]}",
                                  max_size=2))
        return made[-1]

    yield make
    for store in made:
        store.close()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {store.schema} CASCADE")
