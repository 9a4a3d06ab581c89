"""Server-rendered public pages that a static site cannot provide (jam pages, your data).

They share the site's look by linking the theme's CSS and use no inline script or style.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def init_app(app: Flask) -> None:
    """Import the page modules (each registers its routes on ``bp``), register ``bp``."""
    # Imported for their routes, in the order the url_map lists them.
    # isort: off
    from pollserver.public import me, jams, follows, ideas, profiles, verify  # noqa: F401
    from pollserver.public import embed, newsletter  # noqa: F401
    # isort: on

    app.register_blueprint(bp)


@bp.context_processor
def _frame() -> dict[str, object]:
    """Give every public page the site's frame (``None`` without a built site)."""
    from pollserver.public.shell import load_shell
    from pollserver.web.locale import current_lang

    return {"shell": load_shell(current_lang())}

