"""Share links without JavaScript: a page asked for with ``?via=TOKEN`` carries the token in
a hidden ``via`` field of each engage form, so a newcomer's first write by plain form post
credits the sharer as the widgets' header does. No cookie is set for the visit. The server
pages (``/jams/ID``, ``/ideas/...``) do the same with :func:`mark_forms` and show a reader
who has taken part their own link (:func:`share_link`)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, request

from pollserver.actions import shares
from pollserver.domain.shares import parse_via
from pollserver.web.context import get_store, services
from pollserver.web.identity import client_ip_hash, current_voter

__all__ = ["mark_forms", "share_link", "with_via"]

#: The opening tag of an engage form that posts to the API.
_FORM = re.compile(r'(<form method="post" action="/api/[^"]*"[^>]*>)')


def with_via(target: Path) -> Response | None:
    """Serve the page with the request's share token in its forms, or ``None`` when the
    request carries no well-formed token (or the page holds no engage form)."""
    if parse_via(request.args.get("via")) is None:
        return None
    html = target.read_text(encoding="utf-8")
    marked = mark_forms(html)
    if marked == html:
        return None
    response = Response(marked, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # the token stays on this site
    return response


def mark_forms(html: str) -> str:
    """The page with the request's ``?via=`` token in each engage form (unchanged without)."""
    token = parse_via(request.args.get("via"))
    if token is None:
        return html
    return _FORM.sub(lambda m: f'{m.group(1)}<input type="hidden" name="via" value="{token}">',
                     html)


def share_link(path: str) -> str | None:
    """This reader's share link to ``path`` (``?via=TOKEN``), or ``None`` for a reader
    without a voter cookie (nothing is made for someone who only reads)."""
    voter = current_voter()
    if voter is None:
        return None
    token = shares.my_token(get_store(), voter, client=client_ip_hash())
    site = services().settings.public_origin or request.host_url
    return f"{site.rstrip('/')}{path}{'&' if '?' in path else '?'}via={token}"
