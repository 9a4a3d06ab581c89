"""Publishing a "You asked, we did" article can move the ideas it names to "done".

Only when the editor asked for it in the article (``Ideas-Done: yes``): the build writes the
choice into the manifest's ``announcements`` and ``pollserver sync`` calls
:func:`mark_delivered`. Each move is an ordinary :func:`~pollserver.editor.jams.set_status`
(audited as ``idea.status`` by ``publish``) with a note naming the article; an idea already at
a status meaning done, a merged idea, one not published, or one this article already moved
once (an editor may have changed it since) is left alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pollserver.domain.statuses import label_of
from pollserver.editor.jams import set_status
from pollserver.store.base import Store
from pollserver.store.roadmap import site_statuses

__all__ = ["ACTOR", "mark_delivered"]

#: The actor the audit log names for moves made by publishing an article.
ACTOR = "publish"


def mark_delivered(store: Store, announcements: dict[str, list[dict[str, Any]]], *,
                   at: datetime) -> list[str]:
    """Move every idea an article asked for to "done"; return the ``jam/idea`` refs moved."""
    statuses = site_statuses(store)
    done = next((s.key for s in statuses if s.meaning == "done"), None)
    moved: list[str] = []
    if done is None:
        return moved
    for ref, articles in sorted(announcements.items()):
        asking = [a for a in articles if a.get("done")]
        jam_id, _, idea_id = ref.partition("/")
        idea = store.get_idea(idea_id)
        if not asking or idea is None or idea.jam_id != jam_id \
                or idea.moderation != "published" or idea.status == "merged" \
                or label_of(statuses, idea.status).meaning == "done":
            continue
        note = f"Announced: {str(asking[0].get('title', ''))[:200]}"
        if any(change.note == note for change in store.status_history(idea.id)):
            continue  # moved once already: an editor's later change stands
        set_status(store, ACTOR, idea.id, done, at=at, jam_id=jam_id, notify=True, note=note)
        moved.append(ref)
    return moved
