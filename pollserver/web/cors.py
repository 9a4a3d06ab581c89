"""CORS for the static site on another host (``POLLSERVER_PUBLIC_ORIGINS``).

When ``www.brand.example`` serves the pages and ``engage.brand.example`` runs pollserver,
the widget's fetches are cross-origin: they carry the voter cookie (``credentials:
"include"``), so the answer must name the calling origin exactly (never ``*``) and allow
credentials. Only listed origins get these headers; every state-changing request still goes
through the origin check, which accepts the same list.
"""

from __future__ import annotations

from flask import Flask, Response, request

from pollserver.web.context import services
from pollserver.web.embed import TOKEN_HEADER, embed_origin, embeddable

__all__ = ["init_app", "site_origin"]

_METHODS = "GET, POST, DELETE"


def site_origin() -> str | None:
    """The request's ``Origin`` when it is one of the listed site origins, else ``None``."""
    origin = (request.headers.get("Origin") or "").rstrip("/")
    allowed = services().settings.public_origins
    return origin if origin and origin in allowed else None


def _cors(response: Response) -> Response:
    path = request.path
    if not path.startswith("/api/") or path.startswith("/api/admin"):
        return response
    origin = site_origin()
    headers = response.headers
    if "Vary" in headers:
        response.vary.add("Origin")
    else:  # the usual case, without building a header set (this runs on every API answer)
        headers["Vary"] = "Origin"
    embedded = origin is None and embeddable(path)
    if embedded:  # an embed on a listed site: its token header, no cookie (web/embed.py)
        origin = embed_origin()
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if not embedded:
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Access-Control-Expose-Headers"] = TOKEN_HEADER
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = _METHODS
        # X-Valuehub-Via: a share link's token, sent with a newcomer's first write.
        response.headers["Access-Control-Allow-Headers"] = (
            f"Content-Type, {TOKEN_HEADER}, X-Valuehub-Via")
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def init_app(app: Flask) -> None:
    """Add CORS headers to API answers for the listed site origins."""
    app.after_request(_cors)
