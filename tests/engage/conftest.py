"""Fixtures for the engage plugin: Markdown snippets and small real Pelican builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
PELICAN = Path(sys.executable).with_name("pelican")
BUILD_NOW = "2026-11-23T12:00:00Z"

if str(PLUGINS) not in sys.path:
    sys.path.insert(0, str(PLUGINS))

SETTINGS = """\
PATH = "content"
ARTICLE_PATHS = ["news", "support"]
PAGE_PATHS = ["pages"]
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = {plugin_list!r}
TIMEZONE = "UTC"
SITEURL = ""
ARTICLE_URL = "{{category}}/{{slug}}.html"
ARTICLE_SAVE_AS = "{{category}}/{{slug}}.html"
USE_FOLDER_AS_CATEGORY = True
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
ENGAGE_RESULTS = "results.json"
ENGAGE_NOW = {now!r}
"""


@dataclass
class Build:
    """A finished Pelican run over a test site."""

    process: subprocess.CompletedProcess
    output: Path

    @property
    def log(self) -> str:
        """Return everything Pelican printed."""
        return self.process.stdout + self.process.stderr

    def page(self, path: str) -> str:
        """Return a built page's HTML."""
        return (self.output / path).read_text(encoding="utf-8")

    def manifest(self) -> dict:
        """Return output/engage/manifest.json."""
        return json.loads((self.output / "engage" / "manifest.json").read_text(encoding="utf-8"))


class SiteActions:
    """A throwaway Pelican project: write content, results, then build it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "content" / "pages").mkdir(parents=True)

    def write(self, path: str, text: str) -> Path:
        """Write ``content/<path>`` (dedented) and return it."""
        target = self.root / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def results(self, data: dict) -> None:
        """Write the results file the build bakes from."""
        (self.root / "results.json").write_text(json.dumps(data), encoding="utf-8")

    def build(self, plugins: tuple[str, ...] = ("engage",), now: str = BUILD_NOW,
              **settings) -> Build:
        """Run ``pelican --fatal errors`` in a subprocess, like ``make html`` does."""
        conf = self.root / "conf.py"
        text = SETTINGS.format(plugins=str(PLUGINS), plugin_list=list(plugins), now=now)
        text += "".join(f"{key} = {value!r}\n" for key, value in settings.items())
        conf.write_text(text, encoding="utf-8")
        output = self.root / "output"
        cmd = [str(PELICAN), "content", "-o", str(output), "-s", str(conf), "--fatal", "errors"]
        env = {**os.environ, "COLUMNS": "250", "TERM": "dumb"}
        process = subprocess.run(cmd, cwd=self.root, env=env, capture_output=True, text=True,
                                 check=False, timeout=120)
        return Build(process, output)


@pytest.fixture
def site(tmp_path) -> SiteActions:
    """Return an empty test site."""
    return SiteActions(tmp_path)
