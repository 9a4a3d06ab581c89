"""``/champions/<slug>``: one champion's ideas, wins, points and badges, in the site's frame."""

from __future__ import annotations

from flask import Response, abort, render_template

from pollserver.domain.errors import NotFound
from pollserver.presenters.profiles import profile_view
from pollserver.public import bp
from pollserver.public.jams import when


@bp.get("/champions/<slug>")
def champion_profile(slug: str) -> Response:
    """Show the profile of everyone who shared ideas under this display name."""
    try:
        profile = profile_view(slug[:80])
    except NotFound:
        abort(404)
    response = Response(render_template("public/profile.html", profile=profile, when=when),
                        mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
