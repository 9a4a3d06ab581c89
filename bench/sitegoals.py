"""Issue 17's goals 4 and 5: what an article weighs over the wire, and how long the site build
takes at 1,000 articles against plain Pelican on the same content.

The build bench writes a copy of ``content/`` plus ``articles`` generated articles (every
twentieth with a poll block) and times, cold (no cache, empty output) and cached (second run):
Pelican with the hub's settings, plugins and theme, and plain Pelican (no plugins, its default
theme, the same Markdown settings). The ratio is plain time / our time, so 0.9 means 10 %
slower. Pagefind and the compression step are timed beside it: plain Pelican has neither.
The assets bench serves that build with pollserver and fetches an article with a block and
its CSS/JS as a browser that accepts brotli would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.benches import _pollserver_env, _workdir
from bench.loadgen import build_request, fetch
from bench.servers import ROOT, gunicorn_args, running

__all__ = ["bench_assets", "bench_build", "build_sample"]

PELICAN = Path(sys.executable).with_name("pelican")
BUILD_NOW = "2026-11-23T12:00:00+00:00"
WORDS = ("roast grinder espresso filter crema burr kettle origin washed natural honey body "
         "acidity sweetness bean cup brew ratio bloom water temperature extraction").split()
PLAIN_CONF = """
PATH = {content!r}
ARTICLE_PATHS = ["news", "support", "events", "offers"]
PAGE_PATHS = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
USE_FOLDER_AS_CATEGORY = True
ARTICLE_URL = ARTICLE_SAVE_AS = "{{category}}/{{slug}}.html"
PAGE_URL = PAGE_SAVE_AS = "pages/{{slug}}.html"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
STATIC_PATHS = ["images"]
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
DEFAULT_PAGINATION = False
MARKDOWN = {markdown!r}
# Pages that name a hub template get the default theme's page template.
THEME_TEMPLATES_OVERRIDES = [{overrides!r}]
"""
HASHED_REF = re.compile(r'(?:href|src)="(/theme/(?:css|js)/[^"]+\.[0-9a-f]{10}\.(?:css|js))"')


def _article(n: int, rng_words: list[str]) -> str:
    body = "\n\n".join(" ".join(rng_words[(n * 7 + i * 13 + j) % len(rng_words)]
                                for j in range(60)).capitalize() + "." for i in range(6))
    block = ""
    if n % 20 == 0:
        block = (f"\n\n```poll\nid: gen-poll-{n}\nquestion: Did article {n} help?\noptions:\n"
                 "  - {key: yes, label: \"Yes\"}\n  - {key: no, label: \"No\"}\n"
                 "results: always\n```\n")
    return (f"Title: Generated article {n}\nDate: 2026-{1 + n % 11:02}-{1 + n % 27:02} 09:00\n"
            f"Slug: generated-{n}\nSummary: Article {n} of the build bench.\n\n"
            f"## Part one\n\n{body}{block}\n")


def make_content(target: Path, articles: int) -> Path:
    """Copy ``content/`` (its English pages: the build is measured in one language) and add
    ``articles`` generated news articles."""
    shutil.copytree(ROOT / "content", target, ignore=shutil.ignore_patterns("*.de.md"))
    words = WORDS * 3
    for n in range(articles):
        (target / "news" / f"generated-{n}.md").write_text(_article(n, words))
    return target


def _timed(cmd: list[str]) -> float:
    env = {**os.environ, "TERM": "dumb"}
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stdout[-800:]} {done.stderr[-800:]}")
    return elapsed


def build_sample(content: Path, output: Path, cache: Path) -> float:
    """Run Pelican with the hub's settings; return the seconds it took.

    One language, like the plain Pelican it is compared with: each language's sub-site reads
    the whole content again (as pelican-i18n-subsites does), so a hub in two languages takes
    about twice as long and is compared with nothing here.
    """
    return _timed([str(PELICAN), str(content), "-o", str(output), "-s", "pelicanconf.py",
                   "--fatal", "errors", "-e", f'CACHE_PATH="{cache}"', f'HUB_NOW="{BUILD_NOW}"',
                   f'ENGAGE_RESULTS="{output.parent / "results.json"}"', "I18N_SUBSITES={}"])


def _plain_conf(work: Path, content: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    try:
        import pelicanconf
    finally:
        sys.path.remove(str(ROOT))
    overrides = work / "plain-templates"
    overrides.mkdir()
    for page in content.rglob("*.md"):
        found = re.search(r"^Template:\s*(\S+)", page.read_text(encoding="utf-8"), re.M)
        if found:
            (overrides / f"{found.group(1)}.html").write_text('{% extends "page.html" %}')
    conf = work / "plainconf.py"
    conf.write_text(PLAIN_CONF.format(content=str(content), markdown=pelicanconf.MARKDOWN,
                                      overrides=str(overrides)))
    return conf


def bench_build(*, articles: int = 1000, logs: Path | None = None,
                **_ignored: Any) -> dict[str, Any]:
    """Goal 5: Pelican with the hub's plugins and theme vs plain Pelican, cold and cached."""
    work = _workdir(None)
    try:
        content = make_content(work / "content", articles)
        conf = _plain_conf(work, content)
        (work / "results.json").write_text('{"version": 1, "polls": {}, "jams": {}}\n')
        ours, plain = work / "ours", work / "plain"
        times: dict[str, float] = {}
        for run in ("cold", "cached"):
            times[f"plain_{run}"] = _timed([
                str(PELICAN), str(content), "-o", str(plain / "output"), "-s", str(conf),
                "-e", f'CACHE_PATH="{plain / "cache"}"'])
            times[f"ours_{run}"] = build_sample(content, ours / "output", ours / "cache")
        times["pagefind"] = _timed([sys.executable, "-m", "pagefind", "--site",
                                    str(ours / "output"), "--silent"])
        times["compress_cold"] = _timed([sys.executable, "-m", "plugins.assets.compress",
                                         str(ours / "output"), "--state",
                                         str(ours / "cache" / "precompress.json")])
        build_sample(content, ours / "output", ours / "cache")
        times["compress_cached"] = _timed([sys.executable, "-m", "plugins.assets.compress",
                                           str(ours / "output"), "--state",
                                           str(ours / "cache" / "precompress.json")])
        rows = []
        for run in ("cold", "cached"):
            ratio = times[f"plain_{run}"] / times[f"ours_{run}"]
            rows.append({"metric": f"site build, {articles} articles, {run}",
                         "value": round(times[f"ours_{run}"], 2), "unit": "s",
                         "baseline": round(times[f"plain_{run}"], 2),
                         "ratio": round(ratio, 3), "target": ">= 90% of plain Pelican's speed",
                         "ok": ratio >= 0.9})
        rows[0]["detail"] = (f"beside it (plain Pelican has neither): pagefind "
                             f"{times['pagefind']:.1f} s, compression cold "
                             f"{times['compress_cold']:.1f} s, cached "
                             f"{times['compress_cached']:.1f} s")
        return {"name": "build", "settings": {"articles": articles}, "rows": rows,
                "raw": {k: round(v, 3) for k, v in times.items()}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _get(port: int, path: str, encoding: str) -> bytes:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    status, body = fetch(port, build_request("GET", path, port, headers=headers))
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return body


def bench_assets(*, logs: Path | None = None, **_ignored: Any) -> dict[str, Any]:
    """Goal 4: an article with a block and its CSS/JS over the wire, brotli vs uncompressed."""
    work = _workdir(None)
    logs = logs or work
    try:
        output = work / "output"
        (work / "results.json").write_text('{"version": 1, "polls": {}, "jams": {}}\n')
        build_sample(ROOT / "content", output, work / "cache")
        _timed([sys.executable, "-m", "pagefind", "--site", str(output), "--silent"])
        _timed([sys.executable, "-m", "plugins.assets.compress", str(output)])
        env = _pollserver_env(work / "var", POLLSERVER_SITE_DIR=str(output))
        with running("pollserver.wsgi:app", env, gunicorn_args(1, 4), logs / "assets.log",
                     "/api/health") as subj:
            rows = []
            for page, block in (("/pages/have-your-say.html", True),
                                ("/support/faq.html", False)):
                html = _get(subj.port, page, "").decode()
                urls = [page] + HASHED_REF.findall(html)
                wire = sum(len(_get(subj.port, u, "br, gzip")) for u in urls)
                raw = sum(len(_get(subj.port, u, "")) for u in urls)
                engage = "/theme/js/engage/" in html
                rows.append({
                    "metric": f"page weight {page} ({'with' if block else 'no'} block)",
                    "value": wire, "unit": "bytes", "baseline": raw,
                    "ratio": round(wire / raw, 3), "target": "<= 25 KB; engage modules only "
                                                             "with a block",
                    "ok": wire <= 25 * 1024 and engage == block,
                    "detail": f"{len(urls)} files (HTML+CSS+JS), brotli vs uncompressed; "
                              f"engage script {'loaded' if engage else 'not loaded'}"})
        return {"name": "assets", "rows": rows}
    finally:
        shutil.rmtree(work, ignore_errors=True)
