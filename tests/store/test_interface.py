"""The ``Store`` interface is documented in one place (``store/base.py``) with its size.

The table in that docstring names each module of the interface and how many abstract methods
it holds; these tests count them, so adding a method without updating the table fails here,
and one calling style holds: the store is called flat (no per-noun views on it).
"""

from __future__ import annotations

import re
import sys

from pollserver.store import base
from pollserver.store.base import Store


def _documented() -> dict[str, int]:
    """Return ``{module file: methods}`` from the table in base.py's docstring."""
    rows = re.findall(r"``(\w+\.py)``\s+(\d+)\s*$", base.__doc__ or "", re.MULTILINE)
    return {module: int(n) for module, n in rows}


def _abstract_by_module() -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in Store.__abstractmethods__:
        module = sys.modules[getattr(Store, name).__module__].__file__ or ""
        key = module.rsplit("/", 1)[-1]
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_the_documented_table_matches_the_interface() -> None:
    documented = _documented()
    assert documented == _abstract_by_module()
    total = sum(documented.values())
    assert total == len(Store.__abstractmethods__)
    assert f"{total} abstract methods" in (base.__doc__ or "")


def test_the_store_is_called_flat() -> None:
    # One calling style: every method is on the store itself, nothing hands out noun views.
    assert not any(isinstance(getattr(Store, name, None), property) for name in dir(Store))
