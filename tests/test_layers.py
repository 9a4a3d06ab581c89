"""Arrows point one way: domain -> stdlib only; store -> no Flask; nothing imports plugins.

Imports are read with ``ast`` (not by importing), so a lazy import inside a function counts
as much as one at the top of the module.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pollserver"


def _imports(path: Path) -> set[str]:
    """Return the absolute module names ``path`` imports (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + (path.name == "__init__.py")]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
    return names


def _modules(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_only_stdlib_and_itself(path: Path) -> None:
    bad = {name for name in _imports(path) if not name.startswith("pollserver.domain")
           and _top(name) not in sys.stdlib_module_names and name != "__future__"}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("store"), ids=lambda p: p.name)
def test_store_does_not_import_flask(path: Path) -> None:
    bad = {name for name in _imports(path) if _top(name) in ("flask", "werkzeug")
           or name.startswith(("pollserver.api", "pollserver.admin", "pollserver.public"))}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_nothing_in_pollserver_imports_plugins() -> None:
    bad = {str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p)
                                               if _top(n) in ("plugins", "engage", "pelican"))
           for p in _modules("")}
    assert not {k: v for k, v in bad.items() if v}


def test_the_checker_sees_imports() -> None:
    # The checks above pass vacuously if import parsing breaks; pin a few known edges.
    assert "pollserver.domain.errors" in _imports(PACKAGE / "domain" / "polls.py") or \
        any(n.startswith("pollserver.domain") for n in _imports(PACKAGE / "domain" / "jams.py"))
    assert "flask" in _imports(PACKAGE / "__init__.py")
    assert "pollserver.domain.errors" in _imports(PACKAGE / "store" / "state.py")
