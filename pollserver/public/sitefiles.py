"""Serve the built site's files with WhiteNoise, before a request reaches Flask.

WhiteNoise answers with the ``.br`` or ``.gz`` copy the build wrote when the browser accepts
it, handles ETag/Last-Modified revalidation and ranges, and costs a dictionary look-up instead
of a Flask request. The cache rules are the site's: HTML is ``no-cache`` (revalidated with the
ETag on every visit, so a rebuild shows at once), files whose names carry a content hash are
``immutable`` for a year, anything else is revalidated after five minutes.

Three things WhiteNoise alone does not do, so they are added here:

* **Rebuilds while running.** WhiteNoise reads the file table once. Here each hit checks the
  file and its compressed copies with ``os.stat`` (three calls, a few microseconds) and reloads
  the entry when one changed, so a page is never sent with the length of its previous version;
  a file the table does not know yet is looked up once on disk and added.
* **The no-JS outcome.** A page view that carries the outcome cookie of a form post goes on to
  Flask (``pollserver.public.site``), which writes the message into the page's status slot;
  so does a share link's page (``?via=``), whose forms then carry the token (``via.py``).
* **Everything else goes to Flask**: the API, admin and server pages, other methods, missing
  files (the site's 404 page, or a champions' preview at its article's URL) and
  extension-less page URLs. The previews folder itself is never served as files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.string_utils import decode_path_info

from pollserver.web.context import services_of
from pollserver.web.flash import COOKIE
from pollserver.web.security import DEFAULT_HEADERS, HSTS

__all__ = ["SiteFiles", "init_app"]

#: The build's widget catalogues (``/engage/i18n/<lang>.json``), readable by any origin.
WORDS = "/engage/i18n/"
#: Paths Flask owns: never looked up on disk.
SERVER_PREFIXES = ("/api/", "/admin/", "/jams/", "/me/")
SERVER_PAGES = frozenset({"/api", "/admin", "/me", "/champions"})
REVALIDATE = "public, max-age=300, must-revalidate"
ENCODED = (".gz", ".br")
JAM_MARK = b'data-engage-phase="'  # only jam blocks carry a phase in their section

Stamp = tuple[tuple[int, int, int] | None, ...]


def _stamp(path: str) -> Stamp:
    """Return what tells a changed file: (mtime, size, inode) of it and its compressed copies."""
    marks: list[tuple[int, int, int] | None] = []
    for name in (path, path + ".gz", path + ".br"):
        try:
            st = os.stat(name)
        except OSError:
            marks.append(None)
        else:
            marks.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(marks)


def _site_headers(headers: Any, path: str, url: str) -> None:
    if path.endswith(".html"):
        headers["Cache-Control"] = "no-cache"
    elif "immutable" not in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = REVALIDATE
    for name, value in DEFAULT_HEADERS:
        headers.setdefault(name, value)
    if url.startswith(WORDS):
        # The widgets' words (public, no cookie read): the embeds on other sites load them.
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"


def _scan(root: str) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) of the site's files: never through a linked folder (a link back up
    would recurse for ever, and a link out would publish what is outside), never a dotfile."""
    for entry in os.scandir(root):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _scan(entry.path)
        elif entry.is_file():
            yield entry.path, entry.stat()


def _has_jam_block(path: str) -> bool:
    """Whether a built page carries a jam block (read once per version of the file)."""
    try:
        with open(path, "rb") as page:
            return JAM_MARK in page.read()
    except OSError:
        return False


def _hidden(url: str) -> bool:
    """Whether a URL names a dotfile or goes through a dot folder (``/.git/config``)."""
    return any(part.startswith(".") for part in url.split("/"))


class SiteFiles(WhiteNoise):
    """WhiteNoise over ``POLLSERVER_SITE_DIR`` that follows rebuilds and leaves Flask its paths."""

    def __init__(self, application: Callable[..., Iterable[bytes]], root: Path, *,
                 immutable: Callable[[str], bool], https: str = "auto") -> None:
        super().__init__(application, autorefresh=False, max_age=300, allow_all_origins=False,
                         index_file=None, add_headers_function=_site_headers,
                         immutable_file_test=lambda path, url: immutable(url))
        self.site_root = os.path.abspath(root).rstrip(os.sep) + os.sep
        self.https = https
        self.stamps: dict[str, tuple[str, Stamp]] = {}
        #: Pages carrying a jam block: Flask sends those, with the jam's live phase (an
        #: editor may have closed it since the build; presenters/livephase.py).
        self.jam_pages: set[str] = set()
        if os.path.isdir(self.site_root):
            self.add_files(self.site_root)

    def update_files_dictionary(self, root: str, prefix: str) -> None:
        """Index the site once at start-up (WhiteNoise's own walk follows linked folders)."""
        stat_cache = dict(_scan(root))
        for path in stat_cache:
            url = prefix + path[len(root):].replace(os.sep, "/")
            self.add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: Any = None) -> None:
        """Add one file (never a compressed copy, a dotfile or a link out of the site)."""
        if _hidden(url) or self.is_compressed_variant(path, stat_cache=stat_cache):
            return
        real_root = os.path.realpath(self.site_root) + os.sep
        if not os.path.realpath(path).startswith(real_root):
            return
        stamp = _stamp(path)
        static_file = self.get_static_file(path, url)
        if stamp[0] is not None:
            # A copy older than its page belongs to the page before a rebuild: never send it.
            stale = {name for name, mark in zip((path + ".gz", path + ".br"), stamp[1:],
                                                 strict=True)
                     if mark is not None and mark[0] < stamp[0][0]}
            static_file.alternatives = [alt for alt in static_file.alternatives
                                        if alt[1] not in stale]
        urls = [url]
        if url.endswith("/index.html"):
            urls.append(url[: -len("index.html")])
        with_jam = path.endswith(".html") and _has_jam_block(path)
        for each in urls:
            self.files[each] = static_file
            self.stamps[each] = (path, stamp)
            if with_jam:
                self.jam_pages.add(each)
            else:
                self.jam_pages.discard(each)

    def _forget(self, url: str) -> None:
        self.files.pop(url, None)
        self.stamps.pop(url, None)
        self.jam_pages.discard(url)

    def _lookup(self, url: str) -> Any:
        """Return the up-to-date entry for ``url``, or ``None`` to let Flask answer."""
        known = self.stamps.get(url)
        if known is not None:
            path, stamp = known
            now = _stamp(path)
            if now == stamp:
                return self.files[url]
            self._forget(url)
            if now[0] is None:
                return None
            self.add_file_to_dictionary(url, path)
            return self.files.get(url)
        if not self.url_is_canonical(url) or url.endswith(ENCODED) or _hidden(url):
            return None
        path = os.path.join(self.site_root, url.lstrip("/"))
        if url.endswith("/"):
            path = os.path.join(path, "index.html")
        if not self.path_is_child_of(path, self.site_root) or not os.path.isfile(path):
            return None
        file_url = url + "index.html" if url.endswith("/") else url
        self.add_file_to_dictionary(file_url, path)
        return self.files.get(url)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        url = decode_path_info(environ.get("PATH_INFO", "")) or "/"
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or url in SERVER_PAGES
                or url.startswith(SERVER_PREFIXES)):
            return self.application(environ, start_response)
        static_file = self._lookup(url)
        if static_file is None:
            return self.application(environ, start_response)
        if url in self.jam_pages or ((f"{COOKIE}=" in environ.get("HTTP_COOKIE", "")
                                      or "via=" in environ.get("QUERY_STRING", ""))
                                     and self.stamps[url][0].endswith(".html")):
            # The outcome of a no-JS post or a jam's live phase goes into the page.
            return self.application(environ, start_response)
        if self.https == "on" or (self.https == "auto"
                                  and environ.get("wsgi.url_scheme") == "https"):
            def with_hsts(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                return start_response(status, [*headers, HSTS], *args)

            return self.serve(static_file, environ, with_hsts)
        return self.serve(static_file, environ, start_response)


def init_app(app: Flask) -> None:
    """Put WhiteNoise in front of the app when a site directory is configured."""
    from pollserver.public.site import HASHED

    settings = services_of(app).settings
    if not settings.site_dir:
        return
    app.wsgi_app = SiteFiles(  # type: ignore[method-assign]
        app.wsgi_app, Path(settings.site_dir), https=settings.https,
        immutable=lambda url: bool(HASHED.search(url)))
