"""Collect the dashboard's numbers: counts per poll, jam and survey (no rendering here)."""

from __future__ import annotations

from typing import Any

from pollserver.domain.phases import phase_of
from pollserver.domain.records import Item
from pollserver.web.context import get_store, now, spec_of

__all__ = ["item_state", "overview"]


def item_state(item: Item) -> str:
    """Return ``not-open``, ``open`` or ``closed`` for any kind of item."""
    return phase_of(item, spec_of(item), now())


def overview() -> dict[str, Any]:
    """Return ``polls``, ``jams`` and ``surveys`` rows for the dashboard."""
    store = get_store()
    polls, jams, surveys = [], [], []
    for item in store.list_items():
        if item.kind not in ("poll", "jam", "survey"):
            continue  # the site's own settings (statuses, announcements) are not items to run
        row: dict[str, Any] = {"item": item, "state": item_state(item)}
        if item.kind == "poll":
            tally = store.tally(item.id)
            row["total"] = tally.total
            row["bars"] = [(o["label"], tally.counts.get(o["key"], 0))
                           for o in item.spec.get("options", [])]
            polls.append(row)
        elif item.kind == "jam":
            ideas = store.list_ideas(item.id)
            row["ideas"] = len(ideas)
            row["pending"] = sum(1 for i in ideas if i.moderation == "pending")
            row["votes"] = sum(i.votes for i in ideas)
            row["winners"] = sum(1 for i in ideas if i.winner)
            jams.append(row)
        elif item.kind == "survey":
            row["responses"] = store.list_responses(item.id)
            surveys.append(row)
    return {"polls": polls, "jams": jams, "surveys": surveys}
