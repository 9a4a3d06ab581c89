"""``GET /api/roadmap``: every idea past ``open``, grouped by status (the widget's refresh)."""

from __future__ import annotations

from flask import Response, jsonify

from pollserver.api import bp
from pollserver.presenters.roadmap import roadmap_json
from pollserver.web.context import get_store


@bp.get("/roadmap")
def roadmap() -> Response:
    """Return the roadmap's sections; public, so shared caches may keep it briefly."""
    response = jsonify(roadmap_json(get_store()))
    response.headers["Cache-Control"] = "public, max-age=30"
    return response
