"""Pelican's content cache, made unable to break a build.

Pelican pickles what its readers return (metadata and HTML) into ``CACHE_PATH`` and reads it
back on the next build. Left alone, three things go wrong:

* it writes the cache file in place, so a pickling error (or a build killed mid-write) leaves
  a truncated file, and every later build dies loading it until someone deletes ``cache/``;
* it trusts whatever it finds: a cache written by another Pelican, Markdown or plugin version
  (or with other settings, whose copy every cached ``Category``/``Tag`` carries) is unpickled
  and used as it is, or raises;
* only ``pickle.PickleError`` and ``OSError`` are caught on loading, not the ``EOFError`` of a
  truncated file or the ``AttributeError``/``ModuleNotFoundError`` of a foreign one.

So the hub keeps the cache in a folder named for the build day (relative dates resolve per day)
and a stamp of everything the cached data depends on (:func:`stamp`: Python, Pelican,
Markdown, the plugins' code, the settings), loads it itself (anything unreadable counts as no
cache) and saves it through a temporary file renamed into place, or not at all: a build that
fails to pickle keeps the cache it started with and says so in one warning.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import pickle
import sys
import uuid
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import markdown
import pelican
from pelican.cache import FileDataCacher

from .relative import day_cache_path

__all__ = ["LOAD_KEY", "cache_folder", "load", "prepare", "save", "stamp", "take_over"]

logger = logging.getLogger(__name__)

#: Where the hub keeps Pelican's own ``LOAD_CONTENT_CACHE`` (the hub does the loading).
LOAD_KEY = "HUB_LOAD_CONTENT_CACHE"
#: Settings that change per run without changing what a reader returns for a file.
VOLATILE = frozenset({"HUB_NOW", "ENGAGE_NOW", "HUB_CHECK_ONLY", "ENGAGE_RESULTS",
                      "ENGAGE_API_URL", "HUB_PROBLEMS", "CACHE_PATH", "OUTPUT_PATH",
                      "LOAD_CONTENT_CACHE", "CACHE_CONTENT", LOAD_KEY, "WRITE_SELECTED",
                      "DELETE_OUTPUT_DIRECTORY", "AUTORELOAD_IGNORE_CACHE"})
#: The code the cached data depends on: the plugins (readers' Markdown extensions, pickled
#: classes) and the shared rules they use.
CODE = (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "pollserver"
        / "domain")


def _plain(value: Any) -> bool:
    """True for data whose JSON form is the same in every run (no object addresses)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def stamp(settings: dict[str, Any]) -> str:
    """Return a short digest of what cached content depends on, besides the files themselves.

    Call it before any plugin adds objects to the settings: only plain values count.
    """
    digest = hashlib.sha256()
    for part in (sys.version, pelican.__version__, markdown.__version__):
        digest.update(part.encode() + b"\0")
    for folder in CODE:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    plain = {k: v for k, v in settings.items() if k not in VOLATILE and _plain(v)}
    digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def cache_folder(base: str, now: datetime, settings: dict[str, Any]) -> str:
    """Return ``base/day-YYYY-MM-DD/<stamp>``: a cache only this day's build of this code and
    these settings reads (relative dates resolve per day, see hub/relative.py)."""
    return str(Path(day_cache_path(base, now)) / stamp(settings))


def prepare(settings: dict[str, Any], now: datetime) -> None:
    """Point ``CACHE_PATH`` at this build's folder and take the loading over from Pelican."""
    if settings.get("CACHE_PATH"):
        settings["CACHE_PATH"] = cache_folder(settings["CACHE_PATH"], now, settings)
    # A language sub-site starts from the main site's settings, where the hub took over already.
    settings[LOAD_KEY] = bool(settings.get(LOAD_KEY, settings.get("LOAD_CONTENT_CACHE")))
    settings["LOAD_CONTENT_CACHE"] = False  # Pelican's loader would raise on a broken file


def _opener(cacher: FileDataCacher):
    return gzip.open if cacher.settings.get("GZIP_CACHE") else open


def load(cacher: FileDataCacher) -> dict[str, Any]:
    """Return the cache file's data, or an empty cache if it is missing or unreadable."""
    path = Path(cacher._cache_path)
    try:
        with _opener(cacher)(path, "rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # a truncated or foreign file raises anything
        logger.warning("Ignoring the unreadable content cache %s (%s: %s); the files are "
                       "read again", path, exc.__class__.__name__, exc)
        return {}
    if not isinstance(data, dict):
        logger.warning("Ignoring the content cache %s: not a cache of this build", path)
        return {}
    return data


def save(cacher: FileDataCacher) -> None:
    """Write the cache through a temporary file renamed into place; keep the old one if the
    data cannot be pickled or written."""
    if not getattr(cacher, "_cache_data_policy", False):
        return
    path = Path(cacher._cache_path)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        with _opener(cacher)(temporary, "wb") as out:
            pickle.dump(cacher._cache, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
    except Exception as exc:  # the cache is an optimisation, never a failure
        logger.warning("The content cache %s was not saved (%s: %s); the last good one is "
                       "kept", path, exc.__class__.__name__, exc)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def take_over(generator) -> None:
    """Signal receiver (``article_generator_init``, ``page_generator_init``): load this
    generator's caches the safe way and make their saves atomic.

    Pelican's own loading is off (:func:`prepare`), so its readers start empty; the cache is
    read here, after Pelican made the objects and before they read a file.
    """
    load_wanted = generator.settings.get(LOAD_KEY, False)
    for cacher in (generator, getattr(generator, "readers", None)):
        if not isinstance(cacher, FileDataCacher):
            continue
        if not getattr(cacher, "_cache_data_policy", False):
            continue  # caching happens at the other layer (CONTENT_CACHING_LAYER)
        if load_wanted:
            cacher._cache = load(cacher)
        cacher.save_cache = partial(save, cacher)
