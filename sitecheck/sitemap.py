"""Check ``sitemap.xml``: every public page exactly once, absolute under SITEURL, nothing private.

A public page is a built HTML page that search engines may index (no ``noindex``), except the
404 page and pagefind's files. Private addresses (editor pages, a reader's own data, API,
previews) must never be listed, even if someone later builds a page there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .result import Result

__all__ = ["PRIVATE", "check_sitemap", "public_pages"]

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
#: Path prefixes that are never public (editor, a reader's own data, API, previews, frame).
PRIVATE = ("/admin", "/me", "/api/", "/engage/", "/preview", "/champions/preview")
NOINDEX = re.compile(r'<meta\s+name="robots"\s+content="[^"]*noindex', re.I)
NOT_PAGES = ("pagefind",)


def public_pages(site: Path) -> set[str]:
    """Return the site paths (``/news/x.html``, ``/news/``) of the indexable built pages."""
    pages = set()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative == "404.html" or relative.split("/")[0] in NOT_PAGES:
            continue
        if NOINDEX.search(path.read_text(encoding="utf-8")):
            continue
        pages.add("/" + relative.removesuffix("index.html"))
    return pages


def check_sitemap(data: bytes, siteurl: str, pages: set[str]) -> Result:
    """Check the sitemap against the public pages of the built site."""
    result = Result("sitemap")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        result.errors.append(f"sitemap.xml: not XML: {exc}")
        return result
    if root.tag != f"{NS}urlset":
        result.errors.append(f"sitemap.xml: root is {root.tag}, not a sitemaps.org urlset")
    locs = [(el.text or "").strip() for el in root.iter(f"{NS}loc")]
    result.checked = len(locs)
    base = urlsplit(siteurl.rstrip("/") + "/")
    listed = []
    for loc in locs:
        url = urlsplit(loc)
        if (url.scheme, url.netloc) != (base.scheme, base.netloc) or not url.path.startswith(
                base.path):
            result.errors.append(f"sitemap.xml: {loc!r} is not an absolute URL under {siteurl}")
            continue
        path = "/" + url.path[len(base.path):]
        if path not in pages and path + ".html" in pages:
            path += ".html"  # an extension-less address of a built page (``/roadmap``)
        listed.append(path)
        if path.startswith(PRIVATE):
            result.errors.append(f"sitemap.xml: lists the private page {loc}")
    for path, count in Counter(listed).items():
        if count > 1:
            result.errors.append(f"sitemap.xml: lists {path} {count} times")
    for path in sorted(pages - set(listed)):
        result.errors.append(f"sitemap.xml: the public page {path} is missing")
    for path in sorted(set(listed) - pages):
        if not path.startswith(PRIVATE):
            result.errors.append(f"sitemap.xml: {path} is not a public page of the site")
    result.detail = f"{len(pages)} public pages"
    return result
