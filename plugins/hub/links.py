"""Find links to articles that do not exist and images that are missing, before pages are written.

Pelican only warns (at write time, mid-log) about an unknown `{filename}` link and says
nothing about a plain `/support/nope.html`, so a typo ships as a 404. Every published page's
HTML is read once all content is known: a link to an address of the site that ends in `.html`
(or `/`) must be a page the build writes, an image must be a file the build copies, and a
`{filename}`/`{static}` link must name a file in content/. A hub in several languages is
checked as one site: a German page may link to an English one and the other way round.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from languages import session

from .report import add, source_name

ATTR = re.compile(r"""<(a|img|source)\b[^>]*?\s(href|src)\s*=\s*(["'])(.*?)\3""", re.I | re.S)
INTRASITE = re.compile(r"^\{(filename|static|attach)\}(.*)$")
#: The build session's key for the pages and addresses each site noted.
LINKS = "hub: links"
PUBLISHED = ("articles", "translations", "hidden_articles", "hidden_translations",
             "pages", "hidden_pages", "drafts", "drafts_translations", "draft_pages",
             "hub_broken")  # articles left out for broken metadata: their links count too


def _contents(generators):
    seen: set[int] = set()
    for gen in generators:
        for name in PUBLISHED:
            for content in getattr(gen, name, None) or ():
                if id(content) not in seen and hasattr(content, "_content"):
                    seen.add(id(content))
                    yield content


def _normal(path: str) -> str:
    path = "/" + path.lstrip("/")
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def site_paths(generators, settings) -> set[str]:
    """Return every address the build writes (pages, channels, tags, authors, feeds, static
    files)."""
    known = {"/"}
    for gen in generators:
        for content in _contents([gen]):
            known.add(_normal(content.save_as or content.url or ""))
        for static in getattr(gen, "staticfiles", None) or ():
            known.add(_normal(static.save_as))
        tags = getattr(gen, "tags", None) or ()
        for name in ("categories", "authors"):
            for wrapper, _articles in getattr(gen, name, None) or ():
                known.add(_normal(wrapper.save_as or wrapper.url or ""))
        for tag in tags.keys() if isinstance(tags, dict) else (t for t, _a in tags):
            known.add(_normal(tag.save_as or tag.url or ""))
    for key, value in settings.items():
        if isinstance(value, str) and value and key.endswith(("_SAVE_AS", "FEED_ATOM", "FEED_RSS")):
            if "{" not in value:
                known.add(_normal(value))
    return known


def _line_of(source_path: str, needle: str) -> int:
    try:
        text = Path(source_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1


#: The rendered engage blocks in a page (see plugins/engage/render.py): a link inside one was
#: made by the block, so its problem is reported at the block's fence line.
BLOCK = re.compile(r"<!-- engage:begin -->.*?<!-- engage:end -->", re.S)
BLOCK_DATA = re.compile(r'data-engage-(?:spec|error)="([^"]*)"')


def _block_lines(content: str) -> list[tuple[int, int, int]]:
    """Return (start, end, fence line) of each rendered block in a page's HTML."""
    spans = []
    for block in BLOCK.finditer(content):
        found = BLOCK_DATA.search(block.group(0))
        try:
            line = int(json.loads(html.unescape(found.group(1)))["line"]) if found else 0
        except (ValueError, KeyError, TypeError):
            line = 0
        if line:
            spans.append((block.start(), block.end(), line))
    return spans


def _local_path(target: str, page_url: str, siteurl: str) -> str | None:
    """Return the site path a link points to, or None when it leaves the site."""
    if siteurl and target.startswith(siteurl.rstrip("/") + "/"):
        target = target[len(siteurl.rstrip("/")):]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("#", "//")) or not parts.path:
        return None
    path = unquote(parts.path)
    if not path.startswith("/"):
        path = posixpath.join("/" + posixpath.dirname(page_url.lstrip("/")), path)
    return _normal(posixpath.normpath(path) + ("/" if path.endswith("/") else ""))


def _theme_file(settings, path: str) -> bool:
    prefix = "/" + settings.get("THEME_STATIC_DIR", "theme").strip("/") + "/"
    if not path.startswith(prefix):
        return False
    return (Path(settings["THEME"]) / "static" / path[len(prefix):]).is_file()


def check_links(generators, settings) -> None:
    """Note this site's pages and addresses; once every site of the build (one per language)
    has read, each page's links are checked against every address the hub writes."""
    build = session.current(settings)
    noted = build.keep(LINKS, list)
    noted.append((settings, site_paths(generators, settings), list(_contents(generators))))
    build.before_report.setdefault(LINKS, check_all_links)


def check_all_links(build) -> None:
    """Session hook: check the links of every site's pages against all sites' addresses."""
    noted = build.shared.get(LINKS, [])
    known = set().union(*(paths for _settings, paths, _contents in noted))
    for settings, _paths, contents in noted:
        _check_pages(contents, known, settings)


def _check_pages(contents, known: set[str], settings) -> None:
    """Add a problem for each missing article link, missing image and unknown content file."""
    base = Path(settings["PATH"])
    for content in contents:
        name = source_name(content, settings["PATH"])
        page_url = content.url or ""
        page = content._content or ""
        blocks = _block_lines(page)
        for match in ATTR.finditer(page):
            tag, attr, target = match.group(1).lower(), match.group(2).lower(), match.group(4)
            made_by = next((n for start, end, n in blocks if start <= match.start() < end), None)
            line = made_by or _line_of(content.source_path, target)
            hint = " (made by this block: a key such as support_url sets it)" if made_by else ""
            intrasite = INTRASITE.match(target)
            if intrasite:
                kind, rel = intrasite.groups()
                rel = urlsplit(rel).path
                folder = base if rel.startswith("/") else Path(content.source_path).parent
                if not (folder / rel.lstrip("/")).exists():
                    add(settings, name, line, f"{{{kind}}}{rel}: there is no such file in "
                        f"content/ (check the name; paths are relative to this file)")
                continue
            path = _local_path(target, page_url, settings.get("SITEURL", ""))
            if path is None:
                continue
            if tag in ("img", "source") or attr == "src":
                if path not in known and not _theme_file(settings, path):
                    add(settings, name, line, f"image {target} is missing (add the file to "
                        f"content/images/ or fix the path)")
            elif (path.endswith((".html", "/")) and path not in known
                  and not _theme_file(settings, path)):
                add(settings, name, line, f"link to {target}{hint}: no article or page has "
                    f"that address (check the slug; articles are /<channel>/<slug>.html)")
