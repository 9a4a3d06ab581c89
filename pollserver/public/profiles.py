"""``/champions/<slug>``: one champion's ideas, wins, points and badges, in the site's frame."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for

from pollserver.domain.errors import NotFound
from pollserver.presenters.profiles import profile_view
from pollserver.public import bp
from pollserver.public.jams import when
from pollserver.web.context import get_store


@bp.get("/champions/<slug>")
def champion_profile(slug: str) -> Response:
    """Show the profile of everyone who shared ideas under this display name (a hidden
    profile is a missing page; a merged one sends the reader to the profile it joined)."""
    try:
        profile = profile_view(get_store(), slug[:80])
    except NotFound:
        abort(404)
    if "redirect" in profile:  # an editor merged this spelling into another profile
        return redirect(url_for("public.champion_profile", slug=profile["redirect"]), code=302)
    response = Response(render_template("public/profile.html", profile=profile, when=when),
                        mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
