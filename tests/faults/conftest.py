"""Fault tests share the store tests' ``pg_url`` fixture (skips, or fails under CI)."""

from __future__ import annotations

from tests.store.conftest import pg_url

__all__ = ["pg_url"]
