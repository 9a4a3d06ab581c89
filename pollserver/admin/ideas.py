"""Correct an idea's words and give it topics from the moderation page.

The forms are the partial ``admin/_idea_edit.html`` (one include in ``admin/jam.html``); the
work and its audit entry are :mod:`pollserver.editor.ideas`, shared with the editor API.
"""

from __future__ import annotations

from flask import Response, request

from pollserver.admin import bp
from pollserver.admin.auth import current_editor, editor_required
from pollserver.admin.moderation import run_action
from pollserver.editor import ideas as corrections
from pollserver.web.context import get_store, now


@bp.post("/jams/<jam_id>/ideas/<idea_id>/edit")
@editor_required
def idea_edit(jam_id: str, idea_id: str) -> Response | tuple[str, int]:
    """Correct the title and text (the author's name stays; followers are not told)."""
    def work() -> str:
        idea = corrections.edit_idea(get_store(), current_editor(), jam_id, idea_id,
                                     title=request.form.get("title", ""),
                                     body=request.form.get("body", ""), at=now())
        return f"“{idea.title}” was corrected; the old words are in the audit log."
    return run_action(jam_id, work)


@bp.post("/jams/<jam_id>/ideas/<idea_id>/topics")
@editor_required
def idea_topics(jam_id: str, idea_id: str) -> Response | tuple[str, int]:
    """Give the idea exactly the ticked topics."""
    def work() -> str:
        idea = corrections.set_topics(get_store(), current_editor(), jam_id, idea_id,
                                      request.form.getlist("topic"), at=now())
        return f"“{idea.title}” has {len(idea.topics) or 'no'} topic" \
               f"{'' if len(idea.topics) == 1 else 's'}."
    return run_action(jam_id, work)
