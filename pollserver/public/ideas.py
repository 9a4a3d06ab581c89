"""``/ideas/<jam>/<idea>``: one idea's own page, in the site's frame, to share and to follow.

It shows the idea, its status history with the editors' notes, its votes and the duplicates
merged into it; the roadmap's cards link here. Nothing on it is personal, so it may be cached
briefly.
"""

from __future__ import annotations

from flask import Response, abort, render_template
from markupsafe import Markup

from pollserver.domain.errors import NotFound
from pollserver.presenters.roadmap import idea_page_view
from pollserver.public import bp
from pollserver.public.jams import when
from pollserver.web.context import reader


@bp.get("/ideas/<jam_id>/<idea_id>")
def idea_page(jam_id: str, idea_id: str) -> Response:
    """Show one published idea (404 for anything else, pending ideas included)."""
    try:
        idea = idea_page_view(reader(None), jam_id, idea_id)
    except NotFound:
        abort(404)
    idea["body_html"] = Markup(idea["body_html"])  # nh3-cleaned in presenters.markup
    response = Response(render_template("public/idea.html", idea=idea, when=when),
                        mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
