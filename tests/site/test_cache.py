"""The content cache never breaks a build (plugins/hub/cache.py).

A `Category:`, `Tags:` or `Author:` line puts Pelican's settings into the cache (each
Category/Tag/Author object carries them), so anything unpicklable there used to end the build
with a traceback and leave a truncated cache that broke every later build.
"""

from __future__ import annotations

import gzip
import logging
import pickle
import subprocess
import sys
import types
from pathlib import Path

import pytest
from pelican.cache import FileDataCacher
from sitebuild import ROOT, build_site

from plugins.hub import cache

if str(ROOT / "plugins") not in sys.path:  # the pickled settings name the plugins' classes
    sys.path.insert(0, str(ROOT / "plugins"))

ARTICLE = """\
Title: Roast day notes
Date: 2026-11-01 10:00
Modified: 2026-11-02 10:00
Category: News
Tags: beans, roasting
Authors: Ana Ruiz, Ben Ode
Status: published
Summary: What we changed on roast day.

The first batch goes in at seven.
"""


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """A one-article content folder whose article carries Category, Tags and Authors."""
    content = tmp_path / "content"
    (content / "news").mkdir(parents=True)
    (content / "news" / "roast-day.md").write_text(ARTICLE, encoding="utf-8")
    return content


def _build(content: Path, tmp_path: Path):
    return build_site(content, tmp_path / "output", tmp_path / "cache",
                      ENGAGE_RESULTS=str(tmp_path / "no-results.json"))


def _readers_cache(tmp_path: Path) -> Path:
    found = sorted((tmp_path / "cache").glob("day-*/*/ArticlesGenerator-Readers"))
    assert len(found) == 1, found
    return found[0]


def _load(path: Path) -> dict:
    with gzip.open(path, "rb") as handle:
        return pickle.load(handle)


def _save(path: Path, data: dict) -> None:
    with gzip.open(path, "wb") as handle:
        pickle.dump(data, handle)


def test_an_article_with_category_tags_and_authors_is_cached_and_read_back(small_site,
                                                                            tmp_path):
    """The cache is written whole, holds the article, and the next build reads it from there
    (a local function in the Jinja globals makes the save fail and this test with it)."""
    first = _build(small_site, tmp_path)
    assert first.returncode == 0, first.stderr
    log = first.stdout + first.stderr
    assert "Traceback" not in log and "not saved" not in log, log
    path = _readers_cache(tmp_path)
    data = _load(path)
    source = str((small_site / "news" / "roast-day.md").resolve())
    key = next(k for k in data if Path(k).resolve() == Path(source))
    stamp_, (html, metadata) = data[key]
    assert [t.name for t in metadata["tags"]] == ["beans", "roasting"]
    # Mark the cached HTML: the second build shows the mark only if it read the cache.
    data[key] = (stamp_, (html.replace("seven", "seven (from the cache)"), metadata))
    _save(path, data)
    second = _build(small_site, tmp_path)
    assert second.returncode == 0, second.stderr
    page = (tmp_path / "output" / "news" / "roast-day-notes.html").read_text(encoding="utf-8")
    assert "seven (from the cache)" in page


def test_a_truncated_cache_is_ignored_and_replaced(small_site, tmp_path):
    assert _build(small_site, tmp_path).returncode == 0
    path = _readers_cache(tmp_path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    again = _build(small_site, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    assert "unreadable content cache" in again.stdout + again.stderr
    assert (tmp_path / "output" / "news" / "roast-day-notes.html").is_file()
    assert _load(_readers_cache(tmp_path))  # whole again, and readable


def test_a_foreign_cache_file_is_ignored(small_site, tmp_path):
    """A cache pickled by other code (a class this build does not have) is not trusted."""
    assert _build(small_site, tmp_path).returncode == 0
    path = _readers_cache(tmp_path)
    # What another version's cache looks like to this one: a class that is not there.
    module = types.ModuleType("hub_cache_of_another_version")
    module.Gone = type("Gone", (), {"__module__": module.__name__})
    sys.modules[module.__name__] = module
    try:
        foreign = pickle.dumps({"x.md": module.Gone()})
    finally:
        del sys.modules[module.__name__]
    with gzip.open(path, "wb") as handle:
        handle.write(foreign)
    again = _build(small_site, tmp_path)
    assert again.returncode == 0, again.stderr
    log = again.stdout + again.stderr
    assert "Traceback" not in log and "unreadable content cache" in log
    # A cache left where the hub kept it before (no version stamp) is never even opened.
    old = tmp_path / "cache" / "day-2026-11-23" / "ArticlesGenerator-Readers"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"not a pickle")
    assert _build(small_site, tmp_path).returncode == 0


def test_the_cache_folder_changes_with_pelican_markdown_and_settings(monkeypatch):
    settings = {"SITEURL": "https://hub.example", "TAG_URL": "tag/{slug}/"}
    base = cache.stamp(settings)
    assert cache.stamp(dict(settings)) == base
    assert cache.stamp({**settings, "TAG_URL": "tags/{slug}.html"}) != base
    assert cache.stamp({**settings, "HUB_NOW": "2027-01-01T00:00:00Z"}) == base  # per day
    monkeypatch.setattr(cache.pelican, "__version__", "0.0.1")
    assert cache.stamp(settings) != base
    monkeypatch.undo()
    monkeypatch.setattr(cache.markdown, "__version__", "0.0.1")
    assert cache.stamp(settings) != base


def test_a_save_that_cannot_pickle_keeps_the_last_good_cache(tmp_path, caplog):
    settings = {"CACHE_PATH": str(tmp_path), "GZIP_CACHE": True}
    cacher = FileDataCacher(settings, "Readers", True, False)
    cacher._cache = {"a.md": ("stamp", ("<p>good</p>", {}))}
    cache.save(cacher)
    cacher._cache = {"a.md": ("stamp", ("<p>bad</p>", {"f": lambda: None}))}
    with caplog.at_level(logging.WARNING):
        cache.save(cacher)
    assert "was not saved" in caplog.text
    assert _load(tmp_path / "Readers") == {"a.md": ("stamp", ("<p>good</p>", {}))}
    assert [p.name for p in tmp_path.iterdir()] == ["Readers"]  # no temporary left behind


PICKLE_SETTINGS = """
import pickle, sys
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings("pelicanconf.py", override={
    "PATH": "content", "OUTPUT_PATH": sys.argv[1], "CACHE_PATH": sys.argv[1] + "/cache",
    "HUB_NOW": "2026-11-23T12:00:00Z"})
restored = pickle.loads(pickle.dumps(Pelican(settings).settings))
print(restored["JINJA_GLOBALS"]["asset"]("css/main.css"))
print(restored["JINJA_GLOBALS"]["asset_imports"]("js/engage/poll.js"))
"""


def test_the_sample_settings_pickle_once_the_plugins_are_loaded(tmp_path):
    """Everything the plugins put in the settings survives pickling (Pelican pickles them
    into the cache with every Category, Tag and Author). Run apart: plugins connect to
    Pelican's process-wide signals."""
    done = subprocess.run([sys.executable, "-c", PICKLE_SETTINGS, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    css, imports = done.stdout.splitlines()
    assert css.startswith("/theme/css/main.") and css.endswith(".css")
    assert "/theme/js/engage/shared." in imports
