"""The state machine's share of the roadmap: status history, snapshot tables and loading.

Kept apart from ``state.py`` so the rules of votes and ideas stay readable; ``State`` calls
:meth:`RoadmapState.record_status` from the idea-update operation, inside the same step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.statuses import StatusChange

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["RoadmapState", "load_roadmap", "roadmap_tables", "status_changes", "status_history"]


class RoadmapState:
    """Status history per idea, in the order the changes happened."""

    history: dict[str, list[StatusChange]]
    history_order: list[StatusChange]

    def init_roadmap(self) -> None:
        """Start with no history (called from ``State.__init__``)."""
        self.history = {}
        self.history_order = []

    def record_status(self, idea_id: str, status: str, at: str | None, note: str) -> None:
        """Append one change (``at`` as the operation carries it: ISO text or ``None``)."""
        change = StatusChange(idea_id=idea_id, status=status,
                              at=datetime.fromisoformat(at) if at else None, note=note or "")
        self.history.setdefault(idea_id, []).append(change)
        self.history_order.append(change)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def roadmap_tables(state: RoadmapState) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield the snapshot table of status history, in the order it happened."""
    yield "status_history", ({"idea": c.idea_id, "status": c.status, "at": _iso(c.at),
                              "note": c.note} for c in state.history_order)


def load_roadmap(state: RoadmapState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Rebuild status history from a snapshot's table (missing in older snapshots)."""
    for doc in tables.get("status_history", {}).values():  # rows in the order written
        state.record_status(doc["idea"], doc["status"], doc.get("at"), doc.get("note", ""))


# -- the store's roadmap calls (bound by MemoryStore, like items.py) -----------------------


def status_history(store: MemoryStore, idea_id: str) -> list[StatusChange]:
    with store.reading() as state:
        return list(state.history.get(str(idea_id), ()))


def status_changes(store: MemoryStore, limit: int = 500) -> list[StatusChange]:
    with store.reading() as state:
        return state.history_order[::-1][:limit]
