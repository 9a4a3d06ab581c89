"""Editor actions on champions and profiles: grant, revoke, hide a profile, merge profiles.

A grant goes to the voter id an idea was shared with, never to its display name (anyone may
type any name). Each action records an :class:`AuditEntry`; targets read ``idea:ID`` (so an
erase blanks the idea's title there as it does for moderation) or ``profile:SLUG``. No audit
entry names a voter id.
"""

from __future__ import annotations

from datetime import datetime

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.domain.errors import BadRequest, NotFound
from pollserver.domain.profiles import slug_of
from pollserver.domain.records import AuditEntry, Idea
from pollserver.store.base import Store

__all__ = ["champion_ideas", "check_merge", "grant", "hide_profile", "known_slugs",
           "merge_profile", "revoke"]


def _idea(store: Store, idea_id: str, jam_id: str | None) -> Idea:
    idea = store.get_idea(str(idea_id))
    if idea is None or (jam_id is not None and idea.jam_id != jam_id):
        raise NotFound(f"There is no idea {str(idea_id)[:20]!r}"
                       f"{' in this jam' if jam_id else ''}.", field="idea")
    return idea


def _author(idea: Idea) -> str:
    if not idea.voter_id:
        raise BadRequest("This idea's author cannot be recognised (it was shared without a "
                         "voter cookie, or its author erased their data), so there is nobody "
                         "to make a champion.", field="idea")
    return idea.voter_id


def _log(store: Store, actor: str, action: str, target: str, at: datetime,
         **details: object) -> None:
    store.add_audit(AuditEntry(at=at, actor=actor, action=action, target=target,
                               details=details))


def grant(store: Store, actor: str, idea_id: str, *, at: datetime,
          jam_id: str | None = None) -> Champion:
    """Make the idea's author a champion (their voter id); they see insider previews."""
    idea = _idea(store, idea_id, jam_id)
    champion = store.grant_champion(
        Champion(voter_id=_author(idea), idea_id=idea.id, granted_by=actor, granted_at=at))
    _log(store, actor, "champion.grant", f"idea:{idea.id}", at, jam=idea.jam_id,
         title=idea.title)
    return champion


def revoke(store: Store, actor: str, idea_id: str, *, at: datetime,
           jam_id: str | None = None) -> bool:
    """Take champion status from the idea's author; ``False`` if they were not one."""
    idea = _idea(store, idea_id, jam_id)
    removed = store.revoke_champion(_author(idea))
    _log(store, actor, "champion.revoke", f"idea:{idea.id}", at, jam=idea.jam_id,
         title=idea.title, was_champion=removed)
    return removed


def champion_ideas(store: Store, ideas: list[Idea]) -> set[str]:
    """Return the ids of the ideas whose author is a champion (for the editor's list)."""
    voters = {c.voter_id for c in store.list_champions()}
    return {i.id for i in ideas if i.voter_id and i.voter_id in voters}


def known_slugs(store: Store) -> dict[str, str]:
    """Return slug -> latest display name of every named author of a published idea."""
    names: dict[str, str] = {}
    ideas = [i for item in store.list_items("jam") for i in store.list_ideas(item.id)]
    for idea in sorted(ideas, key=lambda i: i.created_at):
        if idea.author and idea.moderation == "published" and slug_of(idea.author):
            names[slug_of(idea.author)] = idea.author
    return names


def _slug(value: str, field: str) -> str:
    slug = slug_of(str(value or ""))
    if not slug:
        raise BadRequest("Name a profile (its address after /champions/).", field=field)
    return slug


def hide_profile(store: Store, actor: str, slug: str, *, hidden: bool,
                 at: datetime) -> ProfileRule | None:
    """Hide a profile (its page answers 404, the leaderboard leaves it out) or show it again."""
    slug = _slug(slug, "slug")
    old = store.profile_rules().get(slug)
    rule = store.set_profile_rule(ProfileRule(
        slug=slug, hidden=hidden, merged_into=old.merged_into if old else None, by=actor,
        at=at))
    _log(store, actor, "profile.hide" if hidden else "profile.show", f"profile:{slug}", at)
    return rule


def _leads_to(start: str, goal: str, rules: dict[str, ProfileRule]) -> bool:
    """Whether following merges from ``start`` reaches ``goal``."""
    seen: set[str] = set()
    while start not in seen:
        if start == goal:
            return True
        seen.add(start)
        rule = rules.get(start)
        if rule is None or not rule.merged_into:
            return False
        start = rule.merged_into
    return False


def check_merge(store: Store, slug: str, into: str) -> str | None:
    """Return the slug :func:`merge_profile` would show ``slug`` under (``None``: an undo), or
    raise what it would raise. A request that changes more than the merge checks it first, so
    a refused merge leaves nothing half-done."""
    slug = _slug(slug, "slug")
    if not str(into or "").strip():
        return None
    target = _slug(into, "into")
    if target == slug:
        raise BadRequest("A profile cannot be merged into itself.", field="into")
    if target not in known_slugs(store):
        raise NotFound(f"There is no profile {target!r} to merge into.", field="into")
    if _leads_to(target, slug, store.profile_rules()):
        raise BadRequest(f"{target!r} is already shown under {slug!r}: merging back would go "
                         "round in a circle.", field="into")
    return target


def merge_profile(store: Store, actor: str, slug: str, into: str, *,
                  at: datetime) -> ProfileRule | None:
    """Show profile ``slug`` under ``into`` (its page redirects there); ``into`` empty undoes
    the merge. Refuses a merge into itself or one that would go round in a circle."""
    target = check_merge(store, slug, into)
    slug = _slug(slug, "slug")
    old = store.profile_rules().get(slug)
    hidden = bool(old and old.hidden)
    if target is None:
        rule = store.set_profile_rule(
            ProfileRule(slug=slug, hidden=hidden, by=actor, at=at))
        _log(store, actor, "profile.unmerge", f"profile:{slug}", at)
        return rule
    rule = store.set_profile_rule(
        ProfileRule(slug=slug, hidden=hidden, merged_into=target, by=actor, at=at))
    _log(store, actor, "profile.merge", f"profile:{slug}", at, into=target)
    return rule
