"""How every PostgreSQL store call reaches the database: the pool, the breaker, one step.

Connections come from one ``psycopg_pool.ConnectionPool`` per process and run in autocommit
mode, so a step that is one statement (a first vote, an answer) costs one round trip, and steps
of several statements open an explicit transaction.

A database outage is answered at once, not waited on: short connect and pool timeouts, and a
circuit breaker (``store/breaker.py``) that refuses calls for a moment after a failure, so
every call during an outage raises ``StoreUnavailable`` (503 with ``Retry-After``) within the
timeouts and the server's threads stay free for static pages and ``/api/health``. The first
call after the cooldown probes the database with a fresh connection; when it answers, the
pool is replaced (the old one may be sleeping in its reconnect back-off), so service comes
back by itself as soon as the database does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from pollserver.domain.errors import StoreUnavailable
from pollserver.store.breaker import Breaker
from pollserver.store.postgres import outbox as outbox_rows
from pollserver.store.postgres import schema as migrations

__all__ = ["RETRIES", "TCP_USER_TIMEOUT_MS", "Database"]

log = logging.getLogger("pollserver.store")

T = TypeVar("T")

#: How often a step is retried after PostgreSQL broke a deadlock by aborting it. Lock orders
#: are fixed, so this only covers rare cross-jam merges and erasures meeting each other.
RETRIES = 5

#: Milliseconds unacknowledged data may sit on a connection before the kernel gives it up, so
#: a database that vanishes silently (a cut cable, not a refused connection) is noticed too.
TCP_USER_TIMEOUT_MS = 5000


class Database:
    """One database (optionally one named schema in it): its pool, breaker and migrations."""

    def __init__(self, url: str, *, schema: str | None, min_size: int, max_size: int,
                 timeout: float, connect_timeout: int, breaker: Breaker | None) -> None:
        self.url = url
        self.schema = schema
        # Sessions run in UTC so timestamps come back the same on every host. Options given in
        # the URL (``?options=-csearch_path%3Dhub``) are kept, and ours are added after them.
        given = conninfo_to_dict(url).get("options")
        options = f"{given} -c TimeZone=UTC" if given else "-c TimeZone=UTC"
        if schema is not None:
            options += f" -c search_path={migrations.valid_schema_name(schema)}"
        self.options = options
        self.breaker = breaker or Breaker()
        self.connect_kwargs: dict[str, Any] = {
            "autocommit": True, "options": options, "connect_timeout": max(1, connect_timeout),
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS}
        self.pool_args: dict[str, Any] = {"min_size": min_size, "max_size": max_size,
                                          "timeout": timeout}
        self.pool = self.new_pool()

    def new_pool(self) -> ConnectionPool:
        """Open a pool with this database's connection settings."""
        return ConnectionPool(self.url, open=True, name="pollserver",
                              kwargs=self.connect_kwargs, **self.pool_args)

    def upgrade(self) -> list[int]:
        """Apply pending schema migrations; return their versions (``[]`` when current)."""
        # A dedicated connection: the migration lock is per session, and it changes settings.
        with psycopg.connect(self.url, **self.connect_kwargs) as conn:
            return migrations.upgrade(conn, self.schema)

    def unavailable(self) -> StoreUnavailable:
        """The error every call gets while the database cannot be reached."""
        return StoreUnavailable("The database cannot be reached right now; please try again.")

    def probe(self) -> None:
        """While the circuit is open: try one fresh connection; on success renew the pool."""
        try:
            with psycopg.connect(self.url, **self.connect_kwargs) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self.breaker.failure(str(exc).strip())
            raise self.unavailable() from exc
        old, self.pool = self.pool, self.new_pool()
        if self.breaker.success():
            log.warning("PostgreSQL answers again; the store is back")
        # The old pool may be waiting out a long reconnect back-off; close it aside.
        threading.Thread(target=old.close, kwargs={"timeout": 1.0}, daemon=True).start()

    def run(self, events: list[dict[str, Any]], step: Callable[..., T], /, *args: Any,
            **kwargs: Any) -> T:
        """Run one store step on a pooled connection, retrying if chosen as a deadlock victim.

        ``events`` (handed over by ``emit``) are written in the step's own transaction. A lost
        or refused connection, or no free connection within the pool timeout, opens the
        circuit and raises ``StoreUnavailable``; so does any call while it is open.
        """
        if not self.breaker.allow():
            raise self.unavailable()
        if self.breaker.is_open:  # this caller is the one probing
            self.probe()
        for attempt in range(RETRIES):
            try:
                with self.pool.connection() as conn:
                    if not events:
                        result = step(conn, *args, **kwargs)
                    else:
                        with conn.transaction():
                            result = step(conn, *args, **kwargs)
                            outbox_rows.write_events(conn, events, result)
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise
                continue
            except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout,
                    PoolClosed) as exc:
                if not self.breaker.is_open:
                    log.warning("PostgreSQL unavailable (%s); answering 503 until it is back",
                                str(exc).strip() or type(exc).__name__)
                self.breaker.failure(str(exc).strip() or type(exc).__name__)
                raise self.unavailable() from exc
            self.breaker.success()
            return result
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool.close()
