"""The moderation page's merge suggestions (``templates/admin/_merge_suggestions.html``),
given to templates as ``merge_suggestions(jam_id)`` so the page's view stays as it is."""

from __future__ import annotations

from flask import Flask

from pollserver.domain.duplicates import MergeSuggestion, merge_suggestions
from pollserver.web.context import get_store

__all__ = ["init_app"]


def _suggestions(jam_id: str) -> list[MergeSuggestion]:
    return merge_suggestions(get_store().list_ideas(jam_id))


def init_app(app: Flask) -> None:
    """Register the template global."""
    app.jinja_env.globals["merge_suggestions"] = _suggestions
