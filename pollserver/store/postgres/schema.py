"""Versioned schema migrations for the PostgreSQL store.

Migrations are the numbered ``pollserver/store/postgres/migrations/NNNN_name.sql`` files.
``upgrade`` applies the ones a database has not seen, each in its own transaction together with
its row in ``schema_version``, so a failed migration leaves the previous version intact. A
session-level advisory lock makes two processes starting at once take turns instead of both
creating tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import sql

__all__ = [
    "MIGRATION_LOCK",
    "Migration",
    "current_version",
    "migrations",
    "upgrade",
    "valid_schema_name",
]

#: Advisory lock key held while migrating ("vhubmig" in ASCII); any fixed bigint would do.
MIGRATION_LOCK = 0x7668_7562_6D69_67

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, name and SQL text."""

    version: int
    name: str
    sql: str


def valid_schema_name(name: str) -> str:
    """Return ``name`` if it is a plain lower-case identifier, else raise ``ValueError``.

    The name ends up in a libpq ``options`` string, where quoting is awkward; refusing anything
    unusual keeps it from smuggling in other settings.
    """
    if not _SCHEMA.match(name):
        raise ValueError(f"schema name must match {_SCHEMA.pattern}: {name!r}")
    return name


def migrations() -> list[Migration]:
    """Return the bundled migrations in version order."""
    folder = resources.files("pollserver.store.postgres") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version number: {versions}")
    return found


def upgrade(conn: psycopg.Connection, schema: str | None = None) -> list[int]:
    """Bring the database (or ``schema``) to the newest version; return the versions applied.

    Safe to call from every process at start: it is a no-op once the schema is current, and the
    advisory lock serialises concurrent callers, which then find nothing left to do.
    """
    conn.autocommit = True
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        if schema is not None:
            name = sql.Identifier(valid_schema_name(schema))
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))
            conn.execute(sql.SQL("SET search_path TO {}").format(name))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        applied = []
        for step in migrations():
            if step.version in done:
                continue
            with conn.transaction():
                conn.execute(step.sql.encode("utf-8"))
                conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                             (step.version, step.name))
            applied.append(step.version)
        return applied
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def current_version(conn: psycopg.Connection) -> int:
    """Return the newest applied version, 0 for an empty database."""
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0
