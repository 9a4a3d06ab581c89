"""Request guards and response headers that keep the static site and API safe.

A static page cannot carry a per-visitor CSRF token, so for the public API the same-origin
check on ``Origin`` (or ``Sec-Fetch-Site``) *is* the CSRF defence: a cross-site form or fetch
always carries a foreign Origin or ``Sec-Fetch-Site: cross-site``.
"""

from __future__ import annotations

from flask import Flask, Response, request

from pollserver.errors import ForbiddenOrigin
from pollserver.web.context import services
from pollserver.web.embed import embeddable
from pollserver.web.identity import is_https

__all__ = ["CSP", "check_same_origin", "init_app", "is_cross_site"]

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",  # pagefind's search runs as WebAssembly
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _own_origins() -> set[str]:
    # scheme + host, not request.host_url: that one IRI-decodes the whole URL on every POST.
    origins = {f"{request.scheme}://{request.host}"}
    settings = services().settings
    if settings.public_origin:
        origins.add(settings.public_origin)
    origins.update(settings.public_origins)  # the static site on another host
    if embeddable(request.path):  # embeds on the listed sites (web/embed.py)
        origins.update(settings.embed_origins)
    return origins


def check_same_origin() -> None:
    """Raise ``ForbiddenOrigin`` unless a state-changing request is same-origin."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin.rstrip("/") in _own_origins():
            return
        raise ForbiddenOrigin("Cross-site requests are not accepted.")
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return
    raise ForbiddenOrigin("Requests that change something must come from this site's pages.")


def is_cross_site() -> bool:
    """Tell whether the browser says this request came from another site.

    Unlike :func:`check_same_origin` a request with neither header (an old browser, a
    script) is not counted as cross-site; callers with a second defence (a CSRF token) use it.
    """
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.rstrip("/") not in _own_origins()
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


#: Headers every response gets unless the view set its own; in this order.
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _headers(response: Response) -> Response:
    # One pass over the response's headers instead of a scan per ``setdefault``: this runs
    # on every response, so it is on every vote's hot path.
    headers = response.headers
    present = {key.lower() for key, _ in headers}
    defaults = (*DEFAULT_HEADERS, HSTS) if is_https() else DEFAULT_HEADERS
    if "content-security-policy" in present:  # a page that says who may frame it (embeds)
        present.add("x-frame-options")
    for name, value in defaults:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(_headers)
