"""A jam's ideas, and what the admin pages work out from them, computed once per version.

At 10,000 ideas reading the list costs tens of milliseconds and comparing titles for merge
suggestions far more; editors reload the moderation page and the dashboard after every
action. ``Store.jam_version`` changes whenever ``list_ideas`` would (the store's contract), so
a value computed from one version serves every request until the jam changes. Backends that
cannot tell versions apart (``None``) compute afresh each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pollserver.domain.records import Idea
from pollserver.web.context import get_store, services

__all__ = ["Versioned", "ideas_of", "per_version"]

T = TypeVar("T")

#: Entries kept before the cache starts afresh (a few views of each of many jams).
LIMIT = 256


def per_version(jam_id: str, name: str, compute: Callable[[list[Idea]], T]) -> T:
    """Return ``compute(ideas)`` for the jam's current version, computed once per version."""
    store = get_store()
    version = store.jam_version(jam_id)  # read first: it may label newer ideas, never older
    if version is None:
        return compute(store.list_ideas(jam_id))
    cache: dict[str, Any] = services().admin_views
    key = f"{name}\n{jam_id}"
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[no-any-return]
    ideas = ideas_of(jam_id) if name != "ideas" else store.list_ideas(jam_id)
    value = compute(ideas)
    if len(cache) >= LIMIT:
        cache.clear()
    cache[key] = (version, value)
    return value


def ideas_of(jam_id: str) -> list[Idea]:
    """The jam's ideas (a shared list: callers copy before they sort or change it)."""
    return per_version(jam_id, "ideas", list)


class Versioned:
    """A store whose ``list_ideas`` answers from the per-version cache (for code that takes a
    store-like reader, such as the attention list)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def list_ideas(self, jam_id: str) -> list[Idea]:
        return ideas_of(jam_id)
