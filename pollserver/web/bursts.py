"""Is an item under a burst of new voters? (many new voters from one address in a minute).

The new-voter watcher (``web/newvoters.py``) records such a minute in the audit log, where the
dashboard lists it; for ``POLLSERVER_BURST_QUEUE`` minutes after it, every new idea on the item
waits for an editor and its proof-of-work challenges are harder.

A bot spread over many addresses gets its first idea per address published before any
per-address rule can tell it from a reader. So when the watcher flags a jam,
:func:`requeue_recent` sends the jam's ideas published within the burst window that nobody
else has backed yet back to pending, where an editor publishes the honest ones with a click.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pollserver.store.base import Store

__all__ = ["BURST_ACTION", "requeue_recent", "under_burst"]

#: Audit action of a suspicious burst; ``target`` is ``kind:item``.
BURST_ACTION = "suspicious.new_voters"


def under_burst(store: Store, target: str, at: datetime, minutes: int) -> bool:
    """Tell whether ``target`` (``kind:id``) had a suspicious burst in the last ``minutes``."""
    if minutes <= 0:
        return False
    since = at - timedelta(minutes=minutes)
    return any(entry.action == BURST_ACTION and entry.target == target and entry.at >= since
               for entry in store.list_audit(500))


def requeue_recent(store: Store, jam_id: str, at: datetime, minutes: int) -> int:
    """Move the jam's ideas published in the last ``minutes`` that no one but their author
    voted for back to ``pending``; return how many moved."""
    if minutes <= 0:
        return 0
    since = at - timedelta(minutes=minutes)
    ideas = [i for i in store.list_ideas(jam_id)
             if i.moderation == "published" and i.created_at >= since]
    if not ideas:
        return 0
    voters = store.idea_voters(jam_id)
    moved = 0
    for idea in ideas:
        if voters.get(idea.id, set()) - {idea.voter_id}:
            continue  # someone else backs it: not a bot's lone idea
        store.update_idea(idea.id, moderation="pending")
        moved += 1
    return moved
