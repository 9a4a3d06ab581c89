"""Share links without JavaScript: a page asked for with ``?via=TOKEN`` carries the token in
a hidden ``via`` field of each engage form, so a newcomer's first write by plain form post
credits the sharer as the widgets' header does. No cookie is set for the visit."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, request

from pollserver.domain.shares import parse_via

__all__ = ["with_via"]

#: The opening tag of an engage form that posts to the API.
_FORM = re.compile(r'(<form method="post" action="/api/[^"]*"[^>]*>)')


def with_via(target: Path) -> Response | None:
    """Serve the page with the request's share token in its forms, or ``None`` when the
    request carries no well-formed token (or the page holds no engage form)."""
    token = parse_via(request.args.get("via"))
    if token is None:
        return None
    html = target.read_text(encoding="utf-8")
    marked = _FORM.sub(lambda m: f'{m.group(1)}<input type="hidden" name="via" value="{token}">',
                       html)
    if marked == html:
        return None
    response = Response(marked, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # the token stays on this site
    return response
