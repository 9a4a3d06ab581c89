"""Champions: the leaderboard of named idea authors, for one jam or the whole hub.

Editors' profile rules apply here as on the profile pages: a hidden profile's ideas are left
out, and a spelling merged into another counts on the target's row, under the target's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from pollserver.domain import jams
from pollserver.domain.champions import ProfileRule, profile_target
from pollserver.domain.points import Facts
from pollserver.domain.profiles import slug_of
from pollserver.domain.records import Idea
from pollserver.store.base import Store
from pollserver.store.roadmap import site_statuses
from pollserver.web.services import Reader

__all__ = ["hub_champions", "point_facts"]


def _names(ideas: Iterable[Idea]) -> dict[str, str]:
    """Return slug -> latest spelling among published named ideas (as a profile shows it)."""
    names: dict[str, str] = {}
    for idea in sorted(ideas, key=lambda i: i.created_at):
        name = (idea.author or "").strip()
        if name and idea.moderation == "published" and slug_of(name):
            names[slug_of(name)] = name
    return names


def _as_counted(ideas: list[Idea], rules: dict[str, ProfileRule],
                everyone: Callable[[], list[Idea]]) -> list[Idea]:
    """Return ``ideas`` with hidden profiles' left out and merged spellings renamed to their
    target's (its spelling in ``ideas``, else anywhere on the hub via ``everyone``)."""
    if not rules:
        return ideas
    names = _names(ideas)
    hub: dict[str, str] | None = None
    counted = []
    for idea in ideas:
        slug = slug_of((idea.author or "").strip())
        target = profile_target(slug, rules) if slug else slug
        if target is None:
            continue  # hidden (or a loop of merges)
        if target != slug:
            if target not in names and hub is None:
                hub = _names(everyone())
            name = names.get(target) or (hub or {}).get(target)
            idea = replace(idea, author=name) if name else idea
        counted.append(idea)
    return counted


def point_facts(store: Store, jam_ids: Iterable[str]) -> Facts:
    """What champion points read besides the ideas: who backs which idea in these jams and
    what the site's statuses mean."""
    voters: dict[str, set[str]] = {}
    for jam_id in set(jam_ids):
        voters.update(store.idea_voters(jam_id))
    return Facts(voters, {s.key: s.meaning for s in site_statuses(store)})


def hub_champions(reader: Reader, jam_id: str | None = None) -> list[dict[str, Any]]:
    """Return the leaderboard of one jam, or of every live jam on the hub (profile rules
    applied, see the module docstring)."""
    store = reader.store

    def everyone(live_only: bool = False) -> list[Idea]:
        return [idea for item in store.list_items("jam") if not (live_only and item.archived)
                for idea in store.list_ideas(item.id)]

    if jam_id is not None:
        _, spec = reader.load("jam", jam_id)
        ideas = store.list_ideas(spec.id)
    else:
        ideas = everyone(live_only=True)
    rules = store.profile_rules()
    facts = point_facts(store, {idea.jam_id for idea in ideas})
    return [c.as_dict()
            for c in jams.champions(_as_counted(ideas, rules, everyone), facts=facts)]
