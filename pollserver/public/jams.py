"""``/jams/<id>`` and ``/champions``: a jam's ideas, votes and forms with no JavaScript.

The page reuses the API's view of the jam (so both always agree) and posts plain forms to
the API's URLs with a ``next`` field that brings the reader back here, message and all.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, render_template, request
from markupsafe import Markup

from pollserver.actions.jams import HONEYPOT
from pollserver.domain.errors import NotFound
from pollserver.domain.jams import AUTHOR_MAX, BODY_MAX, SORTS, TITLE_MAX, TITLE_MIN
from pollserver.domain.profiles import slug_of
from pollserver.presenters.jams import jam_view
from pollserver.presenters.leaderboard import hub_champions
from pollserver.public import bp
from pollserver.web import flash
from pollserver.web.context import load
from pollserver.web.identity import current_voter


def when(iso: str | None) -> str:
    """Return an API date as words: ``1 December 2026, 00:00 UTC``."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _page(body: str, outcome: object) -> Response:
    response = Response(body, mimetype="text/html")
    # The page shows this reader's votes and messages: never cache it anywhere.
    response.headers["Cache-Control"] = "no-store"
    return flash.clear(response) if outcome else response


@bp.get("/jams/<jam_id>")
def jam_page(jam_id: str) -> Response:
    """Show the jam: prompt, phase, votes left, sorted ideas with vote forms, submit form."""
    try:
        item, spec = load("jam", jam_id)
    except NotFound:
        abort(404)
    sort = request.args.get("sort", "top")
    sort = sort if sort in SORTS else "top"
    jam = jam_view(item, spec, current_voter(), sort, html=True)
    for idea in jam["ideas"]:
        idea["body_html"] = Markup(idea["body_html"])  # nh3-cleaned in pollserver.markup
    outcome = flash.read()
    if outcome and (outcome.get("k"), outcome.get("i")) != ("jam", spec.id):
        outcome = None
    body = render_template(
        "public/jam.html", jam=jam, spec=spec, sort=sort, outcome=outcome,
        here=f"/jams/{spec.id}?sort={sort}", honeypot=HONEYPOT, when=when,
        limits={"title_min": TITLE_MIN, "title_max": TITLE_MAX, "body_max": BODY_MAX,
                "author_max": AUTHOR_MAX})
    return _page(body, outcome)


@bp.get("/champions")
def champions_page() -> Response:
    """Show the hub-wide leaderboard of named idea authors."""
    body = render_template("public/champions.html", champions=hub_champions(),
                           slug_of=slug_of)
    return _page(body, None)
