"""Small modules with one job each: no Python module of the project passes 400 lines.

The team's hard limit (DEVELOPERS' rules). A module about to pass it is split by what it
holds, the way ``store/memory/store.py`` and ``store/postgres/store.py`` were split by noun
(see ``store/base.py``); the size of the store interface itself is kept true by
``tests/store/test_interface.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The packages the limit covers.
PACKAGES = ("pollserver", "plugins", "sitecheck")

#: The hard limit, in lines.
LIMIT = 400


def oversized(paths: Iterable[Path], root: Path = ROOT, limit: int = LIMIT) -> list[str]:
    """Return ``path: N lines`` (relative to ``root``) for every file longer than ``limit``."""
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_module_passes_the_limit() -> None:
    modules = _modules()
    assert len(modules) > 100  # the walk found the project, not an empty folder
    assert oversized(modules) == []


def test_the_check_sees_a_long_module(tmp_path: Path) -> None:
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    long.write_text("x = 1\n" * (LIMIT + 1))
    short.write_text("x = 1\n" * LIMIT)
    assert oversized([long, short], tmp_path) == [f"long.py: {LIMIT + 1} lines"]
