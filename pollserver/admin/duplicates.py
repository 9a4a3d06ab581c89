"""The moderation page's merge suggestions (``templates/admin/_merge_suggestions.html``),
given to templates as ``merge_suggestions(jam_id)`` so the page's view stays as it is."""

from __future__ import annotations

from flask import Flask

from pollserver.admin.versioned import per_version
from pollserver.domain.duplicates import MergeSuggestion, merge_suggestions

__all__ = ["init_app"]


def _suggestions(jam_id: str) -> list[MergeSuggestion]:
    return per_version(jam_id, "merge", merge_suggestions)


def init_app(app: Flask) -> None:
    """Register the template global."""
    app.jinja_env.globals["merge_suggestions"] = _suggestions
