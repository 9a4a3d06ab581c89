"""The roadmap part of the ``Store`` interface: every idea's status history.

A status change is recorded by the same step that changes the status
(``update_idea(id, status=..., at=..., note=...)``), so history and status can never disagree;
the editor's note travels with it. History is keyed by the status key, so relabelling a
status (``ENGAGE_STATUSES``) keeps it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from pollserver.domain.roadmap import roadmap_cards
from pollserver.domain.statuses import SITE_ITEM, Status, StatusChange, from_spec

if TYPE_CHECKING:
    from pollserver.store.base import Store

__all__ = ["HISTORY_LIMIT", "Roadmap", "roadmap_cards_of", "site_statuses"]

#: How many recent status changes the roadmap reads (far more than a hub makes).
HISTORY_LIMIT = 20_000


class Roadmap(ABC):
    """Status history; mixed into :class:`~pollserver.store.base.Store`."""

    @abstractmethod
    def status_history(self, idea_id: str) -> list[StatusChange]:
        """Return the idea's status changes, oldest first (``[]`` if none or unknown)."""

    @abstractmethod
    def status_changes(self, limit: int = 500) -> list[StatusChange]:
        """Return the latest status changes of every idea, newest first."""


def site_statuses(store: Store) -> tuple[Status, ...]:
    """Return the site's ``ENGAGE_STATUSES`` as the last sync stored them (or the defaults)."""
    item = store.recent_item(*SITE_ITEM)
    return from_spec(item.spec if item is not None else None)


def roadmap_cards_of(store: Store, statuses: tuple[Status, ...]) -> list[dict[str, Any]]:
    """Read every jam's ideas and the status history, and build the roadmap's cards."""
    jams = store.list_items("jam")
    history: dict[str, list[StatusChange]] = {}
    for change in reversed(store.status_changes(limit=HISTORY_LIMIT)):
        history.setdefault(change.idea_id, []).append(change)
    return roadmap_cards(jams, {j.id: store.list_ideas(j.id) for j in jams}, history, statuses)
