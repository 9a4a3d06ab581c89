"""Champions: the leaderboard of named idea authors, for one jam or the whole hub."""

from __future__ import annotations

from typing import Any

from pollserver.domain import jams
from pollserver.domain.champions import profile_target
from pollserver.domain.profiles import slug_of
from pollserver.web.context import get_store, load

__all__ = ["hub_champions"]


def hub_champions(jam_id: str | None = None) -> list[dict[str, Any]]:
    """Return the leaderboard of one jam, or of every live jam on the hub (hidden profiles
    left out)."""
    store = get_store()
    if jam_id is not None:
        _, spec = load("jam", jam_id)
        ideas = store.list_ideas(spec.id)
    else:
        ideas = [idea for item in store.list_items("jam") if not item.archived
                 for idea in store.list_ideas(item.id)]
    rules = store.champions.profile_rules()
    return [c.as_dict() for c in jams.champions(ideas)
            if not rules or profile_target(slug_of(c.name), rules) is not None]
