"""Server-rendered public pages that a static site cannot provide (jam pages, your data).

They share the site's look by linking the theme's CSS and use no inline script or style.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def init_app(app: Flask) -> None:
    """Import the page modules (for their routes) and register the blueprint."""
    import importlib

    for name in MODULES:
        importlib.import_module(f"pollserver.public.{name}")
    app.register_blueprint(bp)


@bp.context_processor
def _frame() -> dict[str, object]:
    """Give every public page the site's frame (``None`` without a built site)."""
    from pollserver.public.shell import load_shell

    return {"shell": load_shell()}


#: One module per page family; each registers its routes on ``bp`` when imported.
MODULES: list[str] = ["me", "jams", "follows"]
