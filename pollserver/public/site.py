"""Serve the built static site from ``POLLSERVER_SITE_DIR`` (the embedded, one-process setup).

HTML is revalidated on every visit (``no-cache`` plus ETag) so a rebuild shows at once;
files whose names carry a content hash are cached for a year. When a no-JS form post left an
outcome cookie, the page's status slot (``<!-- engage-status poll ID -->``) is filled in with
the message and live results, and that one response is marked ``no-store``.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, send_file
from werkzeug.routing import BaseConverter
from werkzeug.security import safe_join

from pollserver.domain.champions import previews_beside
from pollserver.domain.kinds import KINDS
from pollserver.presenters.livephase import live_jam_phases
from pollserver.public.previews import preview_response
from pollserver.public.status import render_status
from pollserver.public.via import with_via
from pollserver.web import flash
from pollserver.web.context import reader, services

__all__ = ["init_app"]

HASHED = re.compile(r"[._-][0-9a-f]{8,}\.[a-z0-9]+$|\.pf_[a-z]+$|/fragment/|/index/")
#: The no-JS outcome slot of a block (``<!-- engage-status poll ID -->``), for every kind
#: the registry gives one.
_SLOT_KINDS = "|".join(k.name for k in KINDS if k.status_slot)
STATUS_SLOT = re.compile(rf"<!-- engage-status ({_SLOT_KINDS}) ([a-z0-9-]{{1,64}}) -->")


class SitePath(BaseConverter):
    """Match any path except the server's own prefixes, so /api/... 404s and 405s stay JSON."""

    regex = r"(?!(?:api|admin)(?:/|$)).*"
    part_isolating = False
    weight = 500


bp = Blueprint("site", __name__)


def _site_dir() -> Path:
    site_dir = services().settings.site_dir
    if not site_dir or not Path(site_dir).is_dir():
        abort(404)
    # Absolute: Flask resolves relative file paths against the package, not the cwd.
    return Path(site_dir).absolute()


def _preview_dir(site: Path) -> Path:
    given = services().settings.preview_dir
    return Path(given).absolute() if given else previews_beside(site)


def _resolve(root: Path, path: str) -> Path | None:
    """Return the file under ``root`` for ``path``; never a dotfile (``.git``, ``.env``) and
    never a file reached through a symlink pointing out of the site."""
    if any(part.startswith(".") and part != ".well-known" for part in path.split("/")):
        return None
    joined = safe_join(str(root), path) if path else str(root)
    if joined is None:
        return None
    target = Path(joined)
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file() and not target.suffix and target.with_suffix(".html").is_file():
        target = target.with_suffix(".html")
    if not target.is_file() or not target.resolve().is_relative_to(root.resolve()):
        return None
    return target


def _cache_control(response: Response, path: str) -> Response:
    response.headers.pop("Content-Disposition", None)  # pages are shown, never downloaded
    if path.endswith(".html") or response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-cache"
    elif HASHED.search("/" + path):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=300, must-revalidate"
    return response


def _with_outcome(target: Path, outcome: dict) -> Response:
    html = target.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        if (match.group(1), match.group(2)) != (outcome.get("k"), outcome.get("i")):
            return match.group(0)
        return render_status(match.group(1), match.group(2), outcome)

    html = live_jam_phases(reader(None), STATUS_SLOT.sub(fill, html))
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return flash.clear(response)


def _with_live_jams(target: Path) -> Response | None:
    """Serve a page holding a jam whose phase changed since the build, rewritten; else None."""
    html = target.read_text(encoding="utf-8")
    live = live_jam_phases(reader(None), html)
    if live == html:
        return None
    response = Response(live, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/", defaults={"path": ""}, methods=["GET", "HEAD"])
@bp.route("/<site:path>", methods=["GET", "HEAD"])
def page(path: str) -> Response:
    """Serve one file of the built site, a champions' preview (``previews.py``), or the
    site's own 404 page."""
    root = _site_dir()
    target = _resolve(root, path)
    if target is None and (preview := preview_response(_preview_dir(root), path)) is not None:
        return preview
    if target is None:
        not_found = root / "404.html"
        if not not_found.is_file():
            abort(404)
        response = send_file(not_found, mimetype="text/html", conditional=False)
        response.status_code = 404
        response.headers["Cache-Control"] = "no-cache"
        return response
    outcome = flash.read() if target.suffix == ".html" else None
    if outcome:
        return _with_outcome(target, outcome)
    if target.suffix == ".html" and (shared := with_via(target)) is not None:
        return shared  # a share link's page, its token in the forms (public/via.py)
    if target.suffix == ".html" and (live := _with_live_jams(target)) is not None:
        return live
    response = _send_compressed(target) or send_file(target, conditional=True, etag=True,
                                                     max_age=None)
    return _cache_control(response, str(target.relative_to(root)))


#: The build's compressed copies (plugins/assets/compress.py), best first.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _send_compressed(target: Path) -> Response | None:
    """Send the build's brotli or gzip copy of ``target`` when the browser takes it.

    The static layer (WhiteNoise) does this for the files it serves; the pages Flask sends
    itself (those holding a jam block, so their phase can be rewritten when it changed) would
    otherwise go out uncompressed: four times the bytes for the same page.
    """
    for coding, suffix in _ENCODINGS:
        copy = target.with_name(target.name + suffix)
        if request.accept_encodings[coding] and copy.is_file():
            mimetype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            response = send_file(copy, mimetype=mimetype, conditional=True, etag=True,
                                 max_age=None)
            response.headers["Content-Encoding"] = coding
            response.vary.add("Accept-Encoding")
            return response
    return None


def init_app(app: Flask) -> None:
    """Register the site routes last, after every server route."""
    app.url_map.converters["site"] = SitePath
    app.register_blueprint(bp)
