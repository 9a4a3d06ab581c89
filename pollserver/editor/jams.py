"""Jam moderation and outcomes: approve, reject, hide, set status, merge, winners, close.

Every function takes the store, the acting editor's name and the time, changes one thing,
records an :class:`AuditEntry` (actor, action, target, details) and returns the result.
Targets read ``idea:ID`` or ``jam:ID``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pollserver.domain import events, jams
from pollserver.domain.errors import BadRequest, NotFound
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.records import AuditEntry, Idea
from pollserver.domain.specs import JamSpec
from pollserver.domain.statuses import label_of, settable
from pollserver.store.base import Store
from pollserver.store.roadmap import site_statuses, status_labels

__all__ = [
    "approve",
    "close_early",
    "hide",
    "merge",
    "pick_winners",
    "reject",
    "reopen",
    "set_status",
]



def _spec(store: Store, jam_id: str) -> JamSpec:
    item = store.get_item("jam", jam_id)
    if item is None:
        raise NotFound(f"There is no jam called {jam_id[:64]!r}.")
    spec = spec_from_manifest("jam", item.spec)
    assert isinstance(spec, JamSpec)
    return spec


def _idea(store: Store, idea_id: str, jam_id: str | None = None) -> Idea:
    idea = store.get_idea(str(idea_id))
    if idea is None or (jam_id is not None and idea.jam_id != jam_id):
        raise NotFound(f"There is no idea {str(idea_id)[:20]!r}"
                       f"{' in this jam' if jam_id else ''}.")
    return idea


def _log(store: Store, actor: str, action: str, target: str, at: datetime,
         **details: object) -> None:
    store.add_audit(AuditEntry(at=at, actor=actor, action=action, target=target,
                               details=details))


def _moderate(store: Store, actor: str, idea_id: str, state: str, action: str,
              at: datetime, jam_id: str | None, emit: list[dict[str, Any]] | None = None
              ) -> Idea:
    idea = _idea(store, idea_id, jam_id)
    updated = store.emit(*(emit or ())).update_idea(idea.id, moderation=state)
    _log(store, actor, action, f"idea:{idea.id}", at, jam=idea.jam_id,
         before=idea.moderation, title=idea.title)
    return updated


def _removed(store: Store, idea_id: str, jam_id: str | None, at: datetime
             ) -> list[dict[str, Any]]:
    """``idea.removed`` when a published idea leaves the site (the static pages show it)."""
    idea = _idea(store, idea_id, jam_id)
    return [events.idea_removed(idea.id, idea.jam_id, at=at)] \
        if idea.moderation == "published" else []


def approve(store: Store, actor: str, idea_id: str, *, at: datetime,
            jam_id: str | None = None) -> Idea:
    """Publish an idea; its author (if they have a voter id) gets the jam's reward code."""
    before = _idea(store, idea_id, jam_id)
    published = [events.idea_published(before, at=at)] if before.moderation != "published" \
        else []
    idea = _moderate(store, actor, idea_id, "published", "idea.approve", at, jam_id, published)
    pool = _spec(store, idea.jam_id).reward
    if pool and idea.voter_id:
        issue = ([events.reward_issued(pool, idea.voter_id, at=at)]
                 if store.code_of(pool, idea.voter_id) is None else [])
        store.emit(*issue).claim_code(pool, idea.voter_id, at=at)
    return idea


def reject(store: Store, actor: str, idea_id: str, *, at: datetime,
           jam_id: str | None = None) -> Idea:
    """Refuse a pending idea: it is never shown."""
    return _moderate(store, actor, idea_id, "rejected", "idea.reject", at, jam_id,
                     _removed(store, idea_id, jam_id, at))


def hide(store: Store, actor: str, idea_id: str, *, at: datetime,
         jam_id: str | None = None) -> Idea:
    """Take a published idea off the site (``approve`` brings it back)."""
    return _moderate(store, actor, idea_id, "hidden", "idea.hide", at, jam_id,
                     _removed(store, idea_id, jam_id, at))


def set_status(store: Store, actor: str, idea_id: str, status: str, *, at: datetime,
               jam_id: str | None = None, note: str = "", notify: bool = True) -> Idea:
    """Set where an idea stands: one of the site's statuses (``ENGAGE_STATUSES``).

    Setting the status the idea already has changes nothing (no history step, no mail).

    ``note`` is kept in the idea's status history (the roadmap and idea page show it) and goes
    to the idea's followers with the change (and to its readers' feeds); ``notify`` false
    records the change without mailing anyone.
    """
    statuses = site_statuses(store, main=True)
    keys = settable(statuses)
    if status not in keys:
        raise BadRequest(f"status must be one of {', '.join(keys)}.", field="status")
    idea = _idea(store, idea_id, jam_id)
    if idea.status == "merged":
        raise BadRequest("A merged idea keeps its status; change the idea it was merged into.",
                         field="status")
    if len(note) > 2000:
        raise BadRequest("Keep the note under 2,000 characters.", field="note")
    if status == idea.status:
        # Saving the form twice, or a script replaying its call, must not mail every follower
        # "is now planned" again nor add a step to the history: nothing changed.
        return idea
    changed = replace(idea, status=status)
    labels = {lang: words[status] for lang, words in status_labels(store).items()
              if isinstance(words, dict) and isinstance(words.get(status), str)}
    updated = store.emit(events.status_changed(
        changed, idea.status, note=note, notify=notify, at=at,
        label=label_of(statuses, status).label, labels=labels)).update_idea(idea.id, status=status,
                                                                   at=at, note=note)
    _log(store, actor, "idea.status", f"idea:{idea.id}", at, jam=idea.jam_id,
         before=idea.status, after=status, notify=notify)
    return updated


def merge(store: Store, actor: str, source_id: str, target_id: str, *, at: datetime,
          jam_id: str | None = None) -> Idea:
    """Merge idea ``source`` into ``target``: votes move, a voter who backed both counts once."""
    source = _idea(store, source_id, jam_id)
    target = _idea(store, target_id, jam_id)
    moved = source.votes
    result = store.emit(events.idea_merged(source, target, at=at)).merge_ideas(source.id,
                                                                              target.id)
    _log(store, actor, "idea.merge", f"idea:{source.id}", at, jam=source.jam_id,
         into=target.id, votes_before=target.votes, votes_moved=moved, votes_after=result.votes)
    return result


def pick_winners(store: Store, actor: str, jam_id: str, idea_ids: list[str], *,
                 at: datetime) -> list[Idea]:
    """Make exactly these ideas (at most the jam's ``max_winners``) the winners."""
    spec = _spec(store, jam_id)
    ideas = {i.id: i for i in store.list_ideas(jam_id)}
    chosen = jams.check_winners(spec, ideas, idea_ids)
    for idea in ideas.values():
        should = idea.id in chosen
        if idea.winner != should:
            won = [events.idea_won(idea, at=at)] if should else []
            store.emit(*won).update_idea(idea.id, winner=should)
    _log(store, actor, "jam.winners", f"jam:{jam_id}", at, winners=chosen)
    return [store.get_idea(i) for i in chosen]  # type: ignore[misc]


def close_early(store: Store, actor: str, jam_id: str, *, at: datetime) -> None:
    """Close the jam now, before its ``closes`` date (its followers hear of the winners)."""
    spec = _spec(store, jam_id)
    winners = [i.title for i in store.list_ideas(jam_id) if i.winner]
    store.emit(events.jam_closed(jam_id, spec.title, winners, at=at)).set_closed_at(
        "jam", jam_id, at)
    _log(store, actor, "jam.close", f"jam:{jam_id}", at)


def reopen(store: Store, actor: str, jam_id: str, *, at: datetime) -> None:
    """Undo an early close (the jam's own dates apply again); followers hear it is open."""
    spec = _spec(store, jam_id)
    item = store.get_item("jam", jam_id)
    if item is not None and item.closed_at is not None:
        store.emit(events.jam_reopened(jam_id, spec.title, at=at)).set_closed_at(
            "jam", jam_id, None)
    else:
        store.set_closed_at("jam", jam_id, None)
    _log(store, actor, "jam.reopen", f"jam:{jam_id}", at)
