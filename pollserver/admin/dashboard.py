"""The editor dashboard: every poll, jam and survey with live counts and charts."""

from __future__ import annotations

from flask import render_template

from pollserver.admin import bp
from pollserver.admin.auth import editor_required
from pollserver.admin.overview import overview


@bp.get("/")
@editor_required
def dashboard() -> str:
    """Show every item with its live counts, a bar chart per poll and the NPS trend."""
    return render_template("admin/dashboard.html", title="Dashboard", **overview())
