"""``python -m sitecheck`` (``make validate``): build, fetch, validate, print the counts.

Exit status 1 when any check found an error; warnings are printed and do not fail.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from .build import BuildFailed, build
from .calendars import check_calendars
from .feeds import check_feeds
from .hreflang import check_hreflang, check_sitemap_alternates
from .nu import NuUnavailable, check_html
from .result import Result
from .server import fetch_server_pages
from .sitemap import check_sitemap, public_pages

#: The instant the sample site is built and served at (the clock is an input).
DEFAULT_NOW = "2026-11-23T12:00:00+00:00"
FEED_TYPES = {"application/atom+xml", "application/rss+xml"}
LIST_AT_MOST = 40


def _site_pages(output: Path) -> dict[Path, str]:
    return {path: "/" + path.relative_to(output).as_posix()
            for path in sorted(output.rglob("*.html")) if "pagefind" not in path.parts}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:80] or "root"


def run(work: Path, now: datetime) -> list[Result]:
    """Build the site in ``work``, fetch the server pages and run every check."""
    built = build(work, now)
    manifest = json.loads((built.output / "engage" / "manifest.json").read_text("utf-8"))
    fetched, fetch_errors = fetch_server_pages(built.app, manifest)
    pages = _site_pages(built.output)
    built_pages = len(pages)
    served = work / "served"
    served.mkdir()
    feeds = {name: built.output.joinpath(name.lstrip("/")).read_bytes()
             for name in built.earlier_feeds}
    calendars = {"/" + p.relative_to(built.output).as_posix(): p.read_bytes()
                 for p in sorted(built.output.rglob("*.ics"))}
    for number, page in enumerate(fetched):
        if page.mimetype == "text/html":
            file = served / f"{number:03d}-{_slug(page.path)}.html"
            file.write_bytes(page.body)
            pages[file] = page.name
        elif page.mimetype in FEED_TYPES:
            feeds[page.name] = page.body
        elif page.mimetype == "text/calendar":
            calendars[page.name] = page.body
    server = Result("server pages", checked=len(fetched), errors=fetch_errors,
                    detail=f"{sum(p.mimetype == 'text/html' for p in fetched)} HTML")
    html = check_html(pages)
    html.detail = f"{built_pages} built, {len(pages) - built_pages} served; {html.detail}"
    return [
        server,
        html,
        check_feeds(feeds, built.earlier_feeds),
        check_calendars(calendars),
        check_sitemap((built.output / "sitemap.xml").read_bytes(), built.siteurl,
                      public_pages(built.output)),
        check_sitemap_alternates((built.output / "sitemap.xml").read_bytes()),
        check_hreflang(built.output, built.siteurl),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print what was checked and found."""
    parser = argparse.ArgumentParser(prog="python -m sitecheck", description=__doc__)
    parser.add_argument("--now", default=DEFAULT_NOW, help="build and serve at this instant")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=False)
            results = run(args.keep, now)
        else:
            with tempfile.TemporaryDirectory(prefix="sitecheck-") as work:
                results = run(Path(work), now)
    except (NuUnavailable, BuildFailed) as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 1
    for result in results:
        for kind, items in (("warning", result.warnings), ("ERROR", result.errors)):
            for item in items[:LIST_AT_MOST]:
                print(f"  {result.name} {kind}: {item}")
            if len(items) > LIST_AT_MOST:
                print(f"  {result.name}: {len(items) - LIST_AT_MOST} more {kind}s")
    for result in results:
        print(f"validate: {result.line()}")
    failed = sum(len(result.errors) for result in results)
    print(f"validate: {'FAILED with ' + str(failed) + ' errors' if failed else 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
