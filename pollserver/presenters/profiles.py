"""A champion profile as the ``/champions/<slug>`` page shows it."""

from __future__ import annotations

from typing import Any

from pollserver.domain.catalogues import gettext
from pollserver.domain.champions import profile_target
from pollserver.domain.errors import NotFound
from pollserver.domain.profiles import build_profile, slug_of
from pollserver.domain.roadmap import idea_path
from pollserver.domain.specs import iso_utc
from pollserver.domain.statuses import label_of
from pollserver.presenters.leaderboard import point_facts
from pollserver.store.base import Store
from pollserver.store.roadmap import site_statuses

__all__ = ["profile_view"]


def profile_view(store: Store, slug: str) -> dict[str, Any]:
    """Return the profile of ``slug`` across every live jam, or raise ``NotFound``.

    A hidden profile is not found; a profile merged into another returns only
    ``{"redirect": target_slug}``, and the target shows the merged profiles' ideas too.
    """
    rules = store.profile_rules()
    target = profile_target(slug, rules)
    if target is None:
        raise NotFound("There is no champion profile here.")
    if target != slug:
        return {"redirect": target}
    jams = {item.id: item for item in store.list_items("jam") if not item.archived}
    ideas = [idea for jam_id in jams for idea in store.list_ideas(jam_id)]
    aliases = [s for s in rules if s != slug and profile_target(s, rules) == slug]
    slugs = {slug, *aliases}
    voters = {i.voter_id for i in ideas if i.voter_id and i.author and i.moderation == "published"
              and slug_of(i.author) in slugs}
    friends = sum(store.friends_brought(v) for v in voters)
    profile = build_profile(slug, ideas, aliases, facts=point_facts(store, jams),
                            friends=friends)
    if profile is None:
        raise NotFound("There is no champion profile here.")
    statuses = site_statuses(store)
    return {
        "name": profile.name, "slug": profile.slug, "points": profile.points,
        "verified": any(store.is_verified(v) for v in sorted(voters)),
        "wins": profile.wins, "votes_received": profile.votes_received,
        "friends_brought": profile.friends_brought,
        "joined": iso_utc(profile.joined) if profile.joined else None,
        "badges": [{"key": k, "label": gettext(label), "rule": gettext(rule)}
                   for k, label, rule in profile.badges],
        "ideas": [{"title": i.title, "votes": i.votes, "winner": i.winner,
                   "jam_title": str(jams[i.jam_id].spec.get("title", i.jam_id)),
                   "status": label_of(statuses, i.status), "url": idea_path(i.jam_id, i.id)}
                  for i in profile.ideas],
    }
