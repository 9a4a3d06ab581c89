"""The PostgreSQL store: ``store.py`` (the ``Store`` methods, pool and breaker), the SQL one
module per noun (every function takes an open connection and runs its statements in one
transaction, or as one statement on an autocommit connection), ``schema.py`` with
``migrations/``, and ``transfer*.py`` for ``pollserver migrate``."""

from pollserver.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
