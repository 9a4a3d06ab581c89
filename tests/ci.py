"""One rule for what a missing tool means: a skip on a laptop, a failure under CI.

CI is on when the ``CI`` variable says so (``true``, ``1`` or ``yes``, any case), which is
what CI services set and what ``.ci/run`` exports. Under CI a skipped test would hide a gap,
so every missing service, package or program fails instead.
"""

from __future__ import annotations

import os
from types import ModuleType

import pytest

__all__ = ["in_ci", "missing", "require_module"]


def in_ci() -> bool:
    """Return True when running under CI."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(reason: str) -> None:
    """Skip the test because something it needs is missing; fail it under CI."""
    if in_ci():
        pytest.fail(f"required under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_module(name: str) -> ModuleType:
    """Import and return `name` (``pytest.importorskip`` that fails under CI)."""
    try:
        return __import__(name, fromlist=["_"])
    except ImportError as exc:
        missing(f"{name} is not installed ({exc})")
        raise
