"""Build the sample hub the way ``make run`` does, at a fixed instant, in a scratch folder.

Pelican builds the site; pollserver (memory store) loads its manifest and the sample ideas
and votes; the results are baked into a second build, so closed polls and the finished
challenge show real winners. The first build's feeds are kept to check ids stay stable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask

from pollserver import create_app
from pollserver.config import Settings
from pollserver.ops.seed import seed
from pollserver.ops.sync import load_manifest, results_snapshot, sync_manifest
from pollserver.web.context import services_of

__all__ = ["ROOT", "BuildFailed", "Built", "build", "make_app"]

ROOT = Path(__file__).resolve().parents[1]
PELICAN = Path(sys.executable).with_name("pelican")


@dataclass
class Built:
    """A built site, the app serving it, and the feeds of the build before the results."""

    output: Path
    app: Flask
    siteurl: str
    earlier_feeds: dict[str, bytes]


class BuildFailed(Exception):
    """Pelican failed; the message carries its output."""


def pelican(output: Path, cache: Path, now: datetime, results: Path) -> None:
    """Run Pelican (errors fatal) on the sample content into ``output``."""
    overrides = {"CACHE_PATH": str(cache), "HUB_NOW": now.isoformat(),
                 "ENGAGE_RESULTS": str(results)}
    command = [str(PELICAN), str(ROOT / "content"), "-o", str(output), "-s", "pelicanconf.py",
               "--fatal", "errors", "-e", *(f"{k}={json.dumps(v)}" for k, v in overrides.items())]
    env = {**os.environ, "COLUMNS": "250", "TERM": "dumb"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BuildFailed(done.stdout + done.stderr)


def make_app(work: Path, output: Path, now: datetime) -> Flask:
    """Return pollserver on a memory store serving ``output``, its clock fixed at ``now``."""
    settings = Settings(data_dir=work / "var", site_dir=output, rate_limits="off",
                        secret_key="sitecheck", extra={"store": "memory"})
    app = create_app(settings)
    services_of(app).clock = lambda: now
    return app


def feeds_of(output: Path) -> dict[str, bytes]:
    """Return every feed file of a build by its site path, every language's (``feeds/``,
    ``de/feeds/``)."""
    return {"/" + p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*.xml"))
            if "feeds" in p.relative_to(output).parts}


def siteurl_of(output: Path) -> str:
    """Return SITEURL as the build wrote it (robots.txt names the sitemap under it)."""
    for line in (output / "robots.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("Sitemap:"):
            return line.split(None, 1)[1].strip().removesuffix("/sitemap.xml")
    raise BuildFailed("robots.txt names no sitemap")


def build(work: Path, now: datetime) -> Built:
    """Build, load the manifest and the sample ideas, bake the results, build again."""
    output, cache, results = work / "output", work / "cache", work / "results.json"
    pelican(output, cache, now, results)
    earlier = feeds_of(output)
    app = make_app(work, output, now)
    store = services_of(app).store
    sync_manifest(store, load_manifest(output / "engage" / "manifest.json"))
    seed(store, ROOT / "sample" / "seed.yaml")
    results.write_text(json.dumps(results_snapshot(store)), encoding="utf-8")
    pelican(output, cache, now, results)
    return Built(output, app, siteurl_of(output), earlier)
