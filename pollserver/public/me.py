"""``/me``: a page (linked from the footer) to download or erase your data without JS."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, redirect, render_template, request

from pollserver.actions import me, shares
from pollserver.errors import RateLimited
from pollserver.public import bp
from pollserver.public.feed import feed_token_of
from pollserver.public.since import remember_visit, since_last_visit
from pollserver.web import flash
from pollserver.web.context import get_store, letters, now, services
from pollserver.web.identity import client_ip_hash, current_voter, forget_voter
from pollserver.web.locale import gettext as _
from pollserver.web.locale import lang_query
from pollserver.web.security import check_same_origin


@bp.get("/me")
def me_page() -> str:
    """Show what is stored about this browser's voter id, with download and erase buttons."""
    voter = current_voter()
    data = me.export(get_store(), voter) if voter else None
    outcome = flash.read()
    feed = f"/me/updates/{feed_token_of(voter)}.atom{lang_query()}" if voter else None
    share = None
    if voter:
        token = shares.my_token(get_store(), voter, client=client_ip_hash())
        site = services().settings.public_origin or request.host_url
        share = f"{site.rstrip('/')}/?via={token}"
    body = render_template("public/me.html", data=data, outcome=outcome, feed=feed, share=share,
                           followable=_jams_of(data),
                           since=since_last_visit("vh_seen") if voter else [],
                           pretty=json.dumps(data, indent=2) if data else "")
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # the feed address stays here
    remember_visit(response, "vh_seen", "/me")
    return flash.clear(response) if outcome else response


def _jams_of(data: dict[str, Any] | None) -> list[dict[str, str]]:
    """The jams and boards the reader took part in (voted or shared an idea), to follow."""
    if not data:
        return []
    ids = set(data.get("idea_votes") or {}) | {str(i.get("jam")) for i in data.get("ideas") or []}
    found = []
    for jam_id in sorted(ids):
        item = get_store().get_item("jam", jam_id)
        if item is not None and not item.archived:
            found.append({"id": item.id, "title": str(item.spec.get("title") or item.id)})
    return found


@bp.post("/me/erase")
def me_erase() -> Response:
    """Erase this voter's data (the no-JS form behind the page's button)."""
    check_same_origin()
    try:
        services().limits.check("me")  # as DELETE /api/me
    except RateLimited as error:
        response = flash.store(redirect(f"/me{lang_query()}", code=303), "me", "me", ok=False,
                               message=error.message, code=error.code)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    voter = current_voter()
    if voter is not None and request.form.get("confirm") == "yes":
        counts = me.erase(get_store(), voter, at=now(), letters=letters())
        forget_voter()
        message = _("Done. We withdrew %(votes)s votes, took %(ideas)s ideas off the site "
                    "and anonymised %(answers)s answers.",
                    votes=counts["votes"] + counts["idea_votes"], ideas=counts["ideas"],
                    answers=counts["responses"])
        ok = True
    else:
        ok, message = False, _("Nothing was erased. Tick the box to confirm.")
    return flash.store(redirect(f"/me{lang_query()}", code=303), "me", "me", ok=ok,
                       message=message)
