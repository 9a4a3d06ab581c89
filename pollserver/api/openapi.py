"""``GET /api/openapi.json``: the OpenAPI 3.1 document of every ``/api`` endpoint.

The document is a static file next to this module (packaged as data), read once per process.
``tests/test_openapi.py`` keeps it equal to ``app.url_map``, so it cannot drift from the routes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Response, jsonify

from pollserver.api import bp

__all__ = ["document"]


@cache
def document() -> dict[str, Any]:
    """Return the parsed OpenAPI document."""
    return json.loads(files("pollserver.api").joinpath("openapi.json").read_text("utf-8"))


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the OpenAPI document (public and cacheable: it describes no one's data)."""
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
