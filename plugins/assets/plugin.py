"""Content-hashed names for the theme's CSS and JavaScript, so browsers may cache them forever.

``initialized``: hash each file under the theme's ``static/css`` and ``static/js`` and give the
templates an ``asset("css/main.css")`` global that returns ``/theme/css/main.<hash>.css``.
``finalized``: after Pelican copied the theme, write the hashed copies beside the originals and
``theme/assets.json`` (original → hashed name) for anything outside the templates.

A changed file gets a new name, so the server can mark hashed files ``immutable`` and readers
never run an old ``engage.js`` against a new page. The originals stay for old cached pages.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from pelican import signals

__all__ = ["hashed_names", "register"]

HASHED_DIRS = ("css", "js")
DIGITS = 10


def hashed_names(static: Path) -> dict[str, str]:
    """Return ``{"css/main.css": "css/main.<hash>.css"}`` for the theme's CSS and JS files."""
    names: dict[str, str] = {}
    for folder in HASHED_DIRS:
        for path in sorted((static / folder).glob("*")):
            if not path.is_file() or path.suffix not in (".css", ".js"):
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGITS]
            rel = path.relative_to(static).as_posix()
            names[rel] = f"{rel[: -len(path.suffix)]}.{digest}{path.suffix}"
    return names


def _prefix(settings) -> str:
    return "/" + settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"


def on_initialized(pelican) -> None:
    """Hash the theme's assets and hand the templates their hashed URLs."""
    settings = pelican.settings
    names = hashed_names(Path(settings["THEME"]) / "static")
    prefix = _prefix(settings)
    settings["ASSET_NAMES"] = names

    def asset(name: str) -> str:
        return prefix + names.get(name, name)

    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "asset": asset}


def on_finalized(pelican) -> None:
    """Write the hashed copies next to Pelican's copies of the theme files, and the manifest."""
    settings = pelican.settings
    names: dict[str, str] = settings.get("ASSET_NAMES", {})
    theme_out = Path(settings["OUTPUT_PATH"]) / settings.get("THEME_STATIC_DIR", "theme")
    for original, hashed in names.items():
        source, target = theme_out / original, theme_out / hashed
        if source.is_file() and not target.is_file():
            shutil.copyfile(source, target)
    if theme_out.is_dir():
        (theme_out / "assets.json").write_text(json.dumps(
            {_prefix(settings) + k: _prefix(settings) + v for k, v in names.items()},
            indent=1, sort_keys=True) + "\n", encoding="utf-8")


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.finalized.connect(on_finalized)
