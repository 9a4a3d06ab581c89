"""Check every language's pages and the sitemap agree on which page is which in another
language: the rules search engines apply to ``hreflang`` (Lighthouse's "valid hreflang").

A page that names alternates names itself too, every one of them names it back with the
same set, each ``href`` is absolute under SITEURL and a built page in the language it claims,
the language codes are valid, ``x-default`` is there, and the page's canonical URL is its own
(never another language's). The sitemap's ``xhtml:link`` alternates say the same, and each
of them is listed in it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .result import Result

__all__ = ["Head", "check_hreflang", "check_sitemap_alternates"]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
#: A language tag as hreflang takes it (ISO 639 language, optional script and region).
CODE = re.compile(r"^(x-default|[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?)$")


class Head(HTMLParser):
    """The parts of a page these checks read."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.canonical = ""
        self.alternates: dict[str, str] = {}
        self.noindex = False
        self.twice: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href") or ""
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            lang = str(found["hreflang"])
            if lang in self.alternates:
                self.twice.append(lang)
            self.alternates[lang] = str(found.get("href") or "")
        elif tag == "meta" and found.get("name") == "robots":
            self.noindex = "noindex" in (found.get("content") or "")


def read(path: Path) -> Head:
    """Parse a built page's head."""
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def _file(site: Path, siteurl: str, url: str) -> Path | None:
    base = siteurl.rstrip("/") + "/"
    if not url.startswith(base):
        return None
    path = urlsplit(url).path[len(urlsplit(base).path):]
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif not path.endswith(".html"):
        path += ".html"  # an extension-less address (/roadmap)
    target = site / path
    return target if target.is_file() else None


def check_hreflang(site: Path, siteurl: str) -> Result:
    """Check the hreflang links of every built page (``site`` is the output folder)."""
    result = Result("hreflang")
    heads: dict[Path, Head] = {}

    def head_of(path: Path) -> Head:
        if path not in heads:
            heads[path] = read(path)
        return heads[path]

    pairs = 0
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        name = "/" + path.relative_to(site).as_posix()
        mine = head_of(path)
        if not mine.alternates:
            continue
        result.checked += 1
        for lang in mine.twice:
            result.errors.append(f"{name}: hreflang {lang!r} is given twice")
        if mine.noindex:
            result.errors.append(f"{name}: a noindex page names hreflang alternates")
        if mine.alternates.get(mine.lang) != mine.canonical:
            result.errors.append(f"{name}: does not name itself ({mine.lang}) as the "
                                 f"alternate its canonical URL {mine.canonical} is")
        if "x-default" not in mine.alternates:
            result.errors.append(f"{name}: has hreflang alternates but no x-default")
        for lang, url in mine.alternates.items():
            if not CODE.match(lang):
                result.errors.append(f"{name}: {lang!r} is not a valid hreflang code")
            target = _file(site, siteurl, url)
            if target is None:
                result.errors.append(f"{name}: hreflang {lang} {url} is not a built page "
                                     f"absolute under {siteurl}")
                continue
            theirs = head_of(target)
            if lang == "x-default":
                continue
            pairs += 1
            if theirs.lang != lang:
                result.errors.append(f"{name}: hreflang {lang} {url} is in {theirs.lang!r}")
            if theirs.canonical != url:
                result.errors.append(f"{name}: hreflang {lang} {url} has the canonical URL "
                                     f"{theirs.canonical}")
            if theirs.alternates != mine.alternates:
                result.errors.append(f"{name}: {url} does not name the same alternates back "
                                     f"({sorted(theirs.alternates.items())})")
    result.detail = f"{pairs} language pairs"
    return result


def check_sitemap_alternates(data: bytes) -> Result:
    """Check the sitemap's ``xhtml:link`` alternates: listed, reciprocal, with x-default."""
    result = Result("sitemap alternates")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        result.errors.append(f"sitemap.xml: not XML: {exc}")
        return result
    links: dict[str, dict[str, str]] = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = (url.findtext(f"{SITEMAP}loc") or "").strip()
        links[loc] = {str(link.get("hreflang")): str(link.get("href"))
                      for link in url.iter(f"{XHTML}link") if link.get("rel") == "alternate"}
    for loc, alternates in links.items():
        if not alternates:
            continue
        result.checked += 1
        if loc not in alternates.values():
            result.errors.append(f"sitemap.xml: {loc} does not name itself among its alternates")
        if "x-default" not in alternates:
            result.errors.append(f"sitemap.xml: {loc} has alternates but no x-default")
        for lang, href in alternates.items():
            if not CODE.match(lang):
                result.errors.append(f"sitemap.xml: {loc}: {lang!r} is not a valid hreflang")
            elif href not in links:
                result.errors.append(f"sitemap.xml: {loc}: alternate {href} is not listed")
            elif lang != "x-default" and links[href] != alternates:
                result.errors.append(f"sitemap.xml: {href} does not list the alternates of "
                                     f"{loc}")
    result.detail = f"{sum(len(a) for a in links.values())} alternate links"
    return result
