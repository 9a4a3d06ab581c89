"""The editor UI under ``/admin``: login, dashboard, moderation, answers, rewards, exports.

One blueprint; each page module registers its routes on ``bp`` when :func:`init_app`
imports it, and the admin CSS is served from the blueprint's own static folder.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder="static",
               static_url_path="/static")

#: The editor menu: (endpoint, label); entries whose module is not loaded are skipped.
NAV = [
    ("admin.dashboard", "Dashboard"),
    ("admin.answers", "Survey answers"),
    ("admin.rewards", "Reward pools"),
    ("admin.exports", "Exports"),
    ("admin.audit_log", "Audit log"),
    ("admin.mail", "Followers and mail"),
    ("admin.webhooks", "Webhooks"),
    ("admin.profiles", "Champions"),
]


def init_app(app: Flask) -> None:
    """Import the page modules, set up editor sessions and register the blueprint."""
    # Imported for their routes, in the order the url_map lists them.
    # isort: off
    from pollserver.admin import auth, dashboard, answers, rewards, downloads, moderation  # noqa: F401
    from pollserver.admin import mail, webhooks, champions  # noqa: F401
    from pollserver.admin import ideas  # noqa: F401
    # isort: on
    from pollserver.admin import duplicates
    from pollserver.web.editors import init_sessions

    init_sessions(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["admin_nav"] = lambda: [
        (endpoint, label) for endpoint, label in NAV if endpoint in app.view_functions]
    app.jinja_env.globals["admin_endpoints"] = app.view_functions

    @app.context_processor
    def _brand() -> dict[str, str]:
        """Admin pages name the brand (the site's name from the build), not the software."""
        from pollserver.web.brand import brand_name
        from pollserver.web.context import services

        return {"brand": brand_name(services().settings)}

    from pollserver.admin.embeds import snippets_for

    app.jinja_env.globals["embed_snippets"] = snippets_for
    duplicates.init_app(app)
