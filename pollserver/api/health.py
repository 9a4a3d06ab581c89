"""``GET /api/health``: is the server up, and which store does it use."""

from __future__ import annotations

from flask import Response, jsonify

from pollserver.api import bp
from pollserver.web.context import get_store


@bp.get("/health")
def health() -> Response:
    """Report liveness and the store backend (for load balancers and ``make run``)."""
    return jsonify({"status": "ok", "store": get_store().backend})
