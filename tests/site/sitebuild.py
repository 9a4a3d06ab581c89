"""Build the sample site the way `make html` does, for the build and browser tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.instant import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]
PELICAN = Path(sys.executable).with_name("pelican")
# Offers, events, polls and jams are judged against the instant under test (tests/instant.py).
BUILD_NOW = TEST_NOW.isoformat()


def build_site(
    content: Path, output: Path, cache: Path, **settings: object
) -> subprocess.CompletedProcess:
    """Run Pelican (errors fatal) on `content` into `output`; return the finished process."""
    overrides = {"CACHE_PATH": str(cache), "HUB_NOW": BUILD_NOW, **settings}
    cmd = [str(PELICAN), str(content), "-o", str(output), "-s", "pelicanconf.py",
           "--fatal", "errors", "-e", *(f"{k}={json.dumps(v)}" for k, v in overrides.items())]
    env = {**os.environ, "COLUMNS": "250", "TERM": "dumb"}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def index_site(output: Path) -> subprocess.CompletedProcess:
    """Run pagefind over a built site."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(output), "--silent"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def compress_site(output: Path) -> subprocess.CompletedProcess:
    """Write the gzip and brotli copies, as the last step of `make html` does."""
    cmd = [sys.executable, "-m", "plugins.assets.compress", str(output)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
