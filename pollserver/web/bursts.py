"""Is an item under a burst of new voters? (many new voters from one address in a minute).

The new-voter watcher (``web/newvoters.py``) records such a minute in the audit log, where the
dashboard lists it; for ``POLLSERVER_BURST_QUEUE`` minutes after it, every new idea on the item
waits for an editor and its proof-of-work challenges are harder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pollserver.store.base import Store

__all__ = ["BURST_ACTION", "under_burst"]

#: Audit action of a suspicious burst; ``target`` is ``kind:item``.
BURST_ACTION = "suspicious.new_voters"


def under_burst(store: Store, target: str, at: datetime, minutes: int) -> bool:
    """Tell whether ``target`` (``kind:id``) had a suspicious burst in the last ``minutes``."""
    if minutes <= 0:
        return False
    since = at - timedelta(minutes=minutes)
    return any(entry.action == BURST_ACTION and entry.target == target and entry.at >= since
               for entry in store.list_audit(500))
