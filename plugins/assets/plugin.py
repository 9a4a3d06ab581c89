"""Content-hashed names for the theme's CSS and JavaScript, so browsers may cache them forever.

``initialized``: hash each file under the theme's ``static/css`` and ``static/js`` (sub-folders
included) and give the templates an ``asset("css/main.css")`` global that returns
``/theme/css/main.<hash>.css``, and ``asset_imports("js/engage/poll.js")``, the hashed URLs of
every module it imports (for ``<link rel="modulepreload">``).
``finalized``: after Pelican copied the theme, write the hashed copies beside the originals and
``theme/assets.json`` (original → hashed name) for anything outside the templates.

A changed file gets a new name, so the server can mark hashed files ``immutable`` and readers
never run an old script against a new page. The originals stay for old cached pages.

ES modules import each other by relative URL (``import { api } from "./shared.js"``). The
hashed copy of a module imports the *hashed* copies of its neighbours: its specifiers are
rewritten before it is hashed, so a module's name changes whenever anything it imports
changes, and ``poll.<hash>.js`` can never load a ``shared.js`` of another build. The unhashed
originals keep their plain specifiers and still load each other. No import map is needed
(the Content-Security-Policy allows no inline script, and an import map can only be inline).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

from pelican import signals

__all__ = ["Asset", "AssetUrls", "build_assets", "hashed_names", "register"]

HASHED_DIRS = ("css", "js")
DIGITS = 10
#: A static import or re-export of a neighbouring module: ``from "./x.js"`` or ``import "./x.js"``.
#: Our modules spell them this way only; a bare or absolute specifier is left alone.
IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*)(["'])(\.{1,2}/[^"'\s]+\.js)\2""")


class Asset:
    """One theme file: its hashed name, the bytes of its hashed copy and what it imports."""

    def __init__(self, hashed: str, body: bytes, imports: tuple[str, ...]) -> None:
        self.hashed = hashed
        self.body = body
        self.imports = imports


def _imports(rel: str, text: str) -> list[str]:
    """The theme-relative names of the modules ``rel`` imports, in source order."""
    folder = posixpath.dirname(rel)
    return [posixpath.normpath(posixpath.join(folder, m.group(3))) for m in IMPORT.finditer(text)]


def build_assets(static: Path) -> dict[str, Asset]:
    """Hash every CSS/JS file under ``static``; a JS module after the modules it imports.

    Raises ``ValueError`` for an import of a file that is not there or an import cycle: both
    would only show up in a reader's browser otherwise.
    """
    sources: dict[str, bytes] = {}
    for folder in HASHED_DIRS:
        for path in sorted((static / folder).rglob("*")):
            if path.is_file() and path.suffix in (".css", ".js"):
                sources[path.relative_to(static).as_posix()] = path.read_bytes()
    done: dict[str, Asset] = {}

    def visit(rel: str, chain: tuple[str, ...]) -> Asset:
        if rel in done:
            return done[rel]
        if rel in chain:
            raise ValueError(f"theme/static/{rel}: import cycle {' -> '.join(chain + (rel,))}")
        data = sources[rel]
        imports: tuple[str, ...] = ()
        if rel.endswith(".js"):
            text = data.decode("utf-8")
            imports = tuple(_imports(rel, text))
            for name in imports:
                if name not in sources:
                    raise ValueError(f"theme/static/{rel}: imports {name}, which is not there")
                visit(name, chain + (rel,))
            if imports:
                data = IMPORT.sub(lambda m: _rewritten(rel, m, done), text).encode("utf-8")
        suffix = Path(rel).suffix
        digest = hashlib.sha256(data).hexdigest()[:DIGITS]
        done[rel] = Asset(f"{rel[: -len(suffix)]}.{digest}{suffix}", data, imports)
        return done[rel]

    for rel in sources:
        visit(rel, ())
    return done


def _rewritten(rel: str, match: re.Match[str], done: dict[str, Asset]) -> str:
    """The import with its specifier pointing at the hashed copy of the imported module."""
    folder = posixpath.dirname(rel)
    target = done[posixpath.normpath(posixpath.join(folder, match.group(3)))].hashed
    spec = posixpath.relpath(target, folder or ".")
    spec = spec if spec.startswith("../") else "./" + spec
    return f"{match.group(1)}{match.group(2)}{spec}{match.group(2)}"


def hashed_names(static: Path) -> dict[str, str]:
    """Return ``{"css/main.css": "css/main.<hash>.css"}`` for the theme's CSS and JS files."""
    return {rel: asset.hashed for rel, asset in build_assets(static).items()}


def _prefix(settings) -> str:
    return "/" + settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"


class AssetUrls:
    """The templates' ``asset(name)`` and ``asset_imports(name)``, as plain data.

    Pelican pickles its settings into the content cache (every ``Category:``, ``Tags:`` or
    ``Author:`` line carries them), so nothing in ``JINJA_GLOBALS`` may be a local function:
    this module-level class and its bound method pickle; a closure would break the build.
    """

    def __init__(self, prefix: str, assets: dict[str, Asset]) -> None:
        self.prefix = prefix
        self.hashed = {rel: a.hashed for rel, a in assets.items()}
        self.imports = {rel: a.imports for rel, a in assets.items()}

    def __call__(self, name: str) -> str:
        """Return the hashed URL of a theme file (its plain URL if it is not hashed)."""
        return self.prefix + self.hashed.get(name, name)

    def imports_of(self, name: str) -> list[str]:
        """Every module ``name`` imports, directly or not, each once, as hashed URLs."""
        seen: list[str] = []
        todo = list(self.imports.get(name, ()))
        while todo:
            rel = todo.pop(0)
            if rel not in seen:
                seen.append(rel)
                todo.extend(self.imports[rel])
        return [self.prefix + self.hashed[rel] for rel in seen]


def on_initialized(pelican) -> None:
    """Hash the theme's assets and hand the templates their hashed URLs.

    The hashed copies' bytes stay on the Pelican object (for ``finalized``), not in the
    settings, which Pelican pickles into its content cache.
    """
    settings = pelican.settings
    assets = build_assets(Path(settings["THEME"]) / "static")
    pelican.hub_assets = assets
    urls = AssetUrls(_prefix(settings), assets)
    settings["ASSET_NAMES"] = dict(urls.hashed)
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "asset": urls,
                                 "asset_imports": urls.imports_of}


def on_finalized(pelican) -> None:
    """Write the hashed copies next to Pelican's copies of the theme files, and the manifest."""
    settings = pelican.settings
    assets: dict[str, Asset] = getattr(pelican, "hub_assets", {})
    theme_out = Path(settings["OUTPUT_PATH"]) / settings.get("THEME_STATIC_DIR", "theme")
    if not theme_out.is_dir():
        return
    for asset in assets.values():
        target = theme_out / asset.hashed
        if not target.is_file():  # the name is the content: an existing copy is this one
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(asset.body)
    (theme_out / "assets.json").write_text(json.dumps(
        {_prefix(settings) + k: _prefix(settings) + a.hashed for k, a in assets.items()},
        indent=1, sort_keys=True) + "\n", encoding="utf-8")


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.finalized.connect(on_finalized)
