"""The JSON API under ``/api``: one blueprint, one module per resource."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api")

def init_app(app: Flask) -> None:
    """Import the resource modules (each registers its routes on ``bp``), register ``bp``.

    The modules import ``bp`` from here, so they are imported once the package is.
    """
    # Imported for their routes, in the order the url_map lists them.
    # isort: off
    from pollserver.api import health, polls, me, jams, editor, surveys, openapi  # noqa: F401
    from pollserver.api import follows, roadmap, champions, claims, sharing  # noqa: F401
    from pollserver.api import proof, verify  # noqa: F401
    # isort: on

    app.register_blueprint(bp)
