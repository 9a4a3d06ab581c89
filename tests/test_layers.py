"""Arrows point one way, down the layers; nothing reaches up or sideways.

    pollserver (factory), cli, wsgi
      -> api/ admin/ public/          (web packages: never each other)
      -> actions/ editor/ presenters/ ops/
      -> web/                         (Flask support: context, identity, errors...)
      -> store/ errors              -> domain/ config (stdlib only)

Imports are read with ``ast`` (not by importing), so a lazy import inside a function counts
as much as one at the top of the module; a second check imports the lower layers for real
and looks at what got loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pollserver"

#: Layer of each part of pollserver: a module may import its own part and lower layers only.
RANK = {
    "domain": 0, "config": 0,
    "store": 1, "errors": 1,
    "web": 2,
    "actions": 3, "editor": 3, "presenters": 3, "ops": 3, "mail": 3, "webhooks": 3,
    "api": 4, "admin": 4, "public": 4,
    "": 5,  # the package itself: the app factory
    "jobs": 5,  # the one list of background jobs (serve, worker, gunicorn hook)
    "cli": 6, "wsgi": 6,
}
WEB_PACKAGES = ("api", "admin", "public")
FLASK = ("flask", "werkzeug", "flask_limiter", "itsdangerous", "jinja2", "markupsafe")


@cache
def _imports(path: Path) -> frozenset[str]:
    """Return the absolute module names ``path`` imports (relative ones resolved).

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a module).
    """
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
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def _modules(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".")[0]


def _part(name: str) -> str:
    """Return the part of pollserver a module name belongs to (``""`` for the package)."""
    pieces = name.split(".")
    if len(pieces) > 1 and ((PACKAGE / pieces[1]).is_dir()
                            or (PACKAGE / f"{pieces[1]}.py").is_file()):
        return pieces[1]
    return ""  # the package itself, or a name defined in its __init__ (create_app)


def _part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if rel.parts[0] != "__init__.py" else ""


def _path_of(name: str) -> Path | None:
    """Return the file of a pollserver module name (longest prefix that is a module)."""
    pieces = name.split(".")
    while len(pieces) > 1:
        base = PACKAGE.parent.joinpath(*pieces)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        pieces.pop()
    return None


def _reach(path: Path) -> set[Path]:
    """Return every pollserver module ``path`` imports, directly or through others."""
    seen: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in _imports(current):
            if _top(name) == "pollserver" and (found := _path_of(name)) is not None:
                todo.append(found)
    return seen


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_only_stdlib_and_itself(path: Path) -> None:
    bad = {name for name in _imports(path) if not name.startswith("pollserver.domain")
           and _top(name) not in sys.stdlib_module_names and name != "__future__"}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(""), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_arrows_point_down(path: Path) -> None:
    # Web packages never import each other, nothing imports a web package but the factory,
    # and the lower layers never reach up (actions/editor/presenters -> web packages, etc.).
    own = _part_of(path)
    bad = {name for name in _imports(path) if _top(name) == "pollserver"
           and _part(name) != own and RANK[_part(name)] >= RANK[own]}
    assert not bad, f"{path.relative_to(PACKAGE)} ({own or 'pollserver'}) imports {sorted(bad)}"


#: Parts that never reach Flask: they run outside a request (the build, commands, jobs, tests).
FLASK_FREE = ("domain", "store", "actions", "editor", "ops", "presenters")


@pytest.mark.parametrize("sub", FLASK_FREE)
def test_lower_layers_never_reach_flask_even_indirectly(sub: str) -> None:
    bad = {str(found.relative_to(PACKAGE)): sorted(n for n in _imports(found) if _top(n) in FLASK)
           for path in _modules(sub) for found in _reach(path)}
    assert not {k: v for k, v in bad.items() if v}


def test_lower_layers_load_no_flask_when_imported() -> None:
    # What really gets loaded, package __init__ files included (the build imports domain/).
    modules = [".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
        ".__init__") for sub in FLASK_FREE for p in _modules(sub)]
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FLASK!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, check=True).stdout
    assert out.strip() == "[]"


def _extension_reaches(path: Path) -> list[str]:
    """Return where ``path`` reaches into ``app.extensions`` (or names a ``pollserver.`` key)."""
    text = path.read_text(encoding="utf-8")
    found = [f"{path.relative_to(PACKAGE)}:{node.lineno}"
             for node in ast.walk(ast.parse(text))
             if isinstance(node, ast.Attribute) and node.attr == "extensions"]
    if 'extensions["pollserver.' in text:
        found.append(f"{path.relative_to(PACKAGE)}: extensions[\"pollserver....\"]")
    return found


def test_services_are_reached_through_web_context_only() -> None:
    # One typed accessor (services() / services_of(app)); no module keeps or reads its own
    # string key on the app.
    owners = {PACKAGE / "web" / "context.py"}
    bad = [hit for path in _modules("") if path not in owners
           for hit in _extension_reaches(path)]
    assert bad == []
    assert _extension_reaches(PACKAGE / "web" / "context.py")  # the checker sees a reach


def test_no_importlib_tricks() -> None:
    # Routes are registered by plain imports; a module list loaded by name would hide arrows.
    bad = []
    for path in _modules(""):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            name = (called.attr if isinstance(called, ast.Attribute)
                    else called.id if isinstance(called, ast.Name) else "")
            if name in ("import_module", "__import__") or (
                    isinstance(node, ast.ImportFrom) and node.module == "importlib"
                    and any(a.name == "import_module" for a in node.names)):
                bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not bad


def test_every_part_has_a_layer() -> None:
    parts = {_part_of(p) for p in _modules("")}
    assert parts <= RANK.keys(), f"give {sorted(parts - RANK.keys())} a layer in RANK"


def test_nothing_in_pollserver_imports_plugins() -> None:
    bad = {str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p)
                                               if _top(n) in ("plugins", "engage", "pelican"))
           for p in _modules("")}
    assert not {k: v for k, v in bad.items() if v}


def test_the_checker_sees_imports() -> None:
    # The checks above pass vacuously if import parsing breaks; pin a few known edges.
    assert any(n.startswith("pollserver.domain") for n in _imports(PACKAGE / "domain" / "jams.py"))
    assert "flask" in _imports(PACKAGE / "__init__.py")
    assert "pollserver.domain.errors" in _imports(PACKAGE / "store" / "memory" / "state.py")
    assert "pollserver.web.context.load" in _imports(PACKAGE / "api" / "polls.py")
    assert PACKAGE / "domain" / "records.py" in _reach(PACKAGE / "store" / "base.py")
    assert _path_of("pollserver.presenters.jams.jam_view") == PACKAGE / "presenters" / "jams.py"
