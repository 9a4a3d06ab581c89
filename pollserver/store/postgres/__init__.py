"""The PostgreSQL store: ``store.py`` (pool, breaker, and the ``Store`` methods as a table of
bindings), the SQL one module per noun (every step takes an open connection and runs its
statements in one transaction, or as one statement on an autocommit connection), ``schema.py``
with ``migrations/``, and ``transfer*.py`` for ``pollserver migrate``."""

from pollserver.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
