"""``/jams/<id>`` and ``/champions``: a jam's ideas, votes and forms with no JavaScript.

The page reuses the API's view of the jam (so both always agree) and posts plain forms to
the API's URLs with a ``next`` field that brings the reader back here, message and all.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from babel.dates import format_date
from flask import Response, abort, g, render_template, request
from markupsafe import Markup

from pollserver.actions.jams import HONEYPOT
from pollserver.domain.errors import DomainError, NotFound
from pollserver.domain.jams import AUTHOR_MAX, BODY_MAX, SORTS, TITLE_MAX, TITLE_MIN
from pollserver.domain.paging import PageRequest, encode_cursor, parse_page_request
from pollserver.domain.profiles import slug_of
from pollserver.presenters.jams import jam_view
from pollserver.presenters.leaderboard import hub_champions
from pollserver.public import bp
from pollserver.public.since import remember_visit, since_last_visit
from pollserver.public.via import mark_forms, share_link
from pollserver.web import flash
from pollserver.web.context import load, reader, services
from pollserver.web.identity import current_voter
from pollserver.web.locale import current_lang, lang_query
from pollserver.web.texts import item_lang


def when(iso: str | None) -> str:
    """Return an API date as words in the page's language: ``1 December 2026, 00:00 UTC``
    (``1. Dezember 2026, 00:00 UTC``: the day and month as CLDR writes them)."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    lang = current_lang()
    if lang == "en":
        return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
    return f"{format_date(moment, 'long', locale=lang)}, {moment:%H:%M} UTC"


def _narrowing(page: PageRequest) -> dict[str, str]:
    """Return the search and filters this page keeps in its links (sort and paging aside)."""
    return {name: value for name, value in
            (("q", page.q), ("topic", page.topic), ("status", page.status)) if value}


def _here(jam_id: str, sort: str, page: PageRequest) -> str:
    """Return this page's address, for forms to come back to the same ideas."""
    args = {"sort": sort, **_narrowing(page)}
    if page.cursor is not None:
        args["cursor"] = encode_cursor(page.cursor)
    here = f"/jams/{jam_id}?{urlencode(args)}{lang_query('&')}"
    return here if len(here) <= 300 else f"/jams/{jam_id}?sort={sort}{lang_query('&')}"


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
    written_in = item_lang("jam", spec.id)
    if written_in != services().settings.language:
        g.page_lang = written_in  # a jam written only in German: its page is German
    sort = request.args.get("sort", "top")
    sort = sort if sort in SORTS else "top"
    try:
        page = parse_page_request(request.args.get)
    except DomainError:  # an old or mangled link: show the first page rather than an error
        page = PageRequest()
    jam = jam_view(reader(current_voter()), item, spec, sort, html=True, page=page)
    for idea in jam["ideas"]:
        idea["body_html"] = Markup(idea["body_html"])  # nh3-cleaned in pollserver.markup
    outcome = flash.read()
    if outcome and (outcome.get("k"), outcome.get("i")) != ("jam", spec.id):
        outcome = None
    since = since_last_visit("vh_seen", jam=spec.id)
    body = render_template(
        "public/jam.html", jam=jam, spec=spec, sort=sort, outcome=outcome, since=since,
        here=_here(spec.id, sort, page), search="".join(
            f"&{name}={quote(value)}" for name, value in _narrowing(page).items()),
        later=page.cursor is not None, honeypot=HONEYPOT, when=when,
        share=share_link(f"/jams/{spec.id}{lang_query()}"),
        limits={"title_min": TITLE_MIN, "title_max": TITLE_MAX, "body_max": BODY_MAX,
                "author_max": AUTHOR_MAX})
    response = _page(mark_forms(body), outcome)
    response.headers["Referrer-Policy"] = "same-origin"  # share tokens stay on this site
    return remember_visit(response, "vh_seen", f"/jams/{spec.id}")


@bp.get("/champions")
def champions_page() -> Response:
    """Show the hub-wide leaderboard of named idea authors."""
    body = render_template("public/champions.html", champions=hub_champions(reader(None)),
                           slug_of=slug_of)
    return _page(body, None)
