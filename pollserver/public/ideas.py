"""``/ideas/<jam>/<idea>``: one idea's own page, where a reader can act on it.

It shows the idea, its status history with the editors' notes, the articles that delivered
it, the duplicates merged into it and share links, and it takes part: vote and take back
(plain forms posting to the API with a ``next`` back here; ``engage/idea.js`` upgrades them),
the reader's votes left, and the follow form (mail, or the private feed on ``/me``). Mails,
feeds, webhooks, jam and roadmap cards link here. An idea without a page answers clearly:
merged ones redirect to the idea they were merged into, erased ones are 410, hidden,
rejected and pending ones 404, each with a link to the jam.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, redirect, render_template, request
from markupsafe import Markup

from pollserver.domain.errors import NotFound
from pollserver.presenters.idea_page import idea_page as present
from pollserver.public import bp
from pollserver.public.jams import when
from pollserver.public.via import mark_forms, share_link
from pollserver.web import flash
from pollserver.web.context import reader, services
from pollserver.web.identity import current_voter

GONE = {
    "erased": ("This idea was erased", 410,
               "Its author erased their data, so the idea is gone for good."),
    "hidden": ("This idea is not shown", 404,
               "Our team has not published this idea, or took it off the board."),
}


def _missing(state: str, jam_title: str, jam_url: str) -> Response:
    heading, status, line = GONE[state]
    body = render_template("public/follow.html", heading=heading, lines=(line,),
                           action=None, button="", link=jam_url,
                           link_text=f"See the other ideas in {jam_title}")
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ideas/<jam_id>/<idea_id>")
def idea_page(jam_id: str, idea_id: str) -> Response:
    """Show one idea with its vote and follow forms (or say why it has no page)."""
    try:
        page = present(reader(current_voter()), jam_id, idea_id)
    except NotFound:
        abort(404)
    if page.state == "merged":
        return redirect(page.target or page.jam_url, code=302)
    if page.view is None:
        return _missing(page.state, page.jam_title, page.jam_url)
    idea = page.view
    idea["body_html"] = Markup(idea["body_html"])  # nh3-cleaned in presenters.markup
    outcome = flash.read()
    if outcome and (outcome.get("k"), outcome.get("i")) not in (("jam", jam_id),
                                                                   ("follow", "")):
        outcome = None
    origin = services().settings.public_origin or request.host_url
    # A reader who has taken part shares their own ?via= link (rewards for sharing).
    address = share_link(idea["url"]) or origin.rstrip("/") + idea["url"]
    share = {"address": address,
             "mail": f"mailto:?subject={quote(idea['title'])}&body={quote(address)}"}
    response = Response(mark_forms(render_template("public/idea.html", idea=idea, when=when,
                                                   outcome=outcome, share=share)),
                        mimetype="text/html")
    # The page shows this reader's vote and budget: never cache it anywhere.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # share tokens stay on this site
    return flash.clear(response) if outcome else response
