""""Since your last visit": what changed for this reader since they last opened a page.

The time of the last visit is a path-scoped cookie per page (``/me``, each jam page), set
on every visit; the first visit shows nothing and starts counting. Only readers with a voter
id see it (the cookie itself holds no identity, just a time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, request

from pollserver.actions.follows import updates_for
from pollserver.public.feed import entry_view
from pollserver.web.context import get_store, now
from pollserver.web.identity import current_voter

__all__ = ["remember_visit", "since_last_visit"]

YEAR = int(timedelta(days=365).total_seconds())


def since_last_visit(cookie: str, *, jam: str | None = None) -> list[dict[str, str]]:
    """Entries newer than the visit recorded in ``cookie`` (newest first, at most 20)."""
    voter = current_voter()
    raw = request.cookies.get(cookie, "")
    if voter is None or not raw:
        return []
    try:
        after = datetime.fromisoformat(raw)
    except ValueError:
        return []
    if after.tzinfo is None:
        return []
    events = updates_for(get_store(), voter, after=after, jam=jam, limit=20)
    return [entry_view(e, once=True) for e in events]


def remember_visit(response: Response, cookie: str, path: str) -> Response:
    """Record this visit's time for the next one (only for readers with a voter id)."""
    if current_voter() is not None:
        response.set_cookie(cookie, now().isoformat(), max_age=YEAR, path=path,
                            httponly=True, samesite="Lax", secure=request.is_secure)
    return response
