"""The JSON API under ``/api``: one blueprint, one module per resource."""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api")

#: Resource modules; each registers its routes on ``bp`` when imported.
MODULES = [
    "health",
    "polls",
    "me",
    "jams",
    "editor",
    "surveys",
    "openapi",
    "follows",
]



def init_app(app: Flask) -> None:
    """Import the resource modules (for their routes) and register the blueprint.

    Importing here rather than at package import keeps ``pollserver.api.items`` importable
    from the admin package without dragging in every view (and an import cycle with it).
    """
    for name in MODULES:
        importlib.import_module(f"pollserver.api.{name}")
    app.register_blueprint(bp)
