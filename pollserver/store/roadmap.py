"""The roadmap part of the ``Store`` interface: every idea's status history.

A status change is recorded by the same step that changes the status
(``update_idea(id, status=..., at=..., note=...)``), so history and status can never disagree;
the editor's note travels with it. History is keyed by the status key, so relabelling a
status (``ENGAGE_STATUSES``) keeps it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pollserver.domain import catalogues
from pollserver.domain.roadmap import roadmap_cards
from pollserver.domain.statuses import SITE_ITEM, Status, StatusChange, from_spec, labels_in

if TYPE_CHECKING:
    from pollserver.store.base import Store

__all__ = ["HISTORY_LIMIT", "Roadmap", "roadmap_cards_of", "site_statuses",
           "status_labels"]

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


def site_statuses(store: Store, lang: str | None = None, *,
                  main: bool = False) -> tuple[Status, ...]:
    """Return the site's ``ENGAGE_STATUSES`` as the last sync stored them (or the defaults),
    labelled in ``lang`` (default: the language being spoken, the request's or the mail's)
    where the build gave that language's labels (``main``: always the main language's, as
    events and the admin keep them); keys, colours and meanings never change."""
    item = store.recent_item(*SITE_ITEM)
    spec = item.spec if item is not None else None
    statuses = from_spec(spec)
    words = {} if main else labels_in(spec, lang or catalogues.current())
    if not words:
        return statuses
    return tuple(replace(s, label=words.get(s.key, s.label)) for s in statuses)


def status_labels(store: Store) -> dict[str, dict[str, str]]:
    """Return ``{lang: {key: label}}`` of the site's other languages (as the build gave)."""
    item = store.recent_item(*SITE_ITEM)
    found = (item.spec if item is not None else {}).get("status_labels")
    return found if isinstance(found, dict) else {}


def roadmap_cards_of(store: Store, statuses: tuple[Status, ...]) -> list[dict[str, Any]]:
    """Read every jam's ideas and the status history, and build the roadmap's cards."""
    jams = store.list_items("jam")
    history: dict[str, list[StatusChange]] = {}
    for change in reversed(store.status_changes(limit=HISTORY_LIMIT)):
        history.setdefault(change.idea_id, []).append(change)
    return roadmap_cards(jams, {j.id: store.list_ideas(j.id) for j in jams}, history, statuses)
