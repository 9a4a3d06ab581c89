"""An app on each backend (memory, TinyDB, PostgreSQL in its own schema) for security tests.

Hostile input must be refused the same way whichever store sits behind the API, so these
tests take ``any_app`` and run three times.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.ci import require_module
from tests.conftest import need_service
from tests.store.conftest import DATABASE_URL

BACKENDS = ("memory", "tinydb", "postgres")


def _postgres_url() -> tuple[str, str]:
    psycopg = require_module("psycopg")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    try:
        with psycopg.connect(DATABASE_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        need_service("PostgreSQL", f"{DATABASE_URL} does not answer ({exc})")
    sep = "&" if "?" in DATABASE_URL else "?"
    return f"{DATABASE_URL}{sep}options=-csearch_path%3D{schema}", schema


def _drop(schema: str) -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def make_settings(backend: str, tmp_path: Path, **changes: object) -> tuple[Settings, str | None]:
    """Return settings for ``backend`` (and the PostgreSQL schema to drop afterwards)."""
    schema = None
    extra: dict[str, object] = {}
    database_url = None
    if backend == "memory":
        extra["store"] = "memory"
    elif backend == "postgres":
        database_url, schema = _postgres_url()
    base = {"data_dir": tmp_path / "var", "site_dir": None, "rate_limits": "off",
            "secret_key": "test-secret", "extra": extra, "database_url": database_url}
    base.update(changes)
    return Settings(**base), schema  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS)
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on one backend per parameter."""
    settings, schema = make_settings(request.param, tmp_path)
    app = create_app(settings)
    try:
        yield app
    finally:
        services_of(app).store.close()
        if schema:
            _drop(schema)
