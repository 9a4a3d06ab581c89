"""Editors correct an idea's words and give it topics: shared by the admin form and the API.

A correction (a typo in the title, a broken link in the text) changes only the words: the
author's name stays the author's, the votes and status stay, and the previous title and text
are kept in the audit log (``idea.edit``, details ``before``/``after``) so nothing an author
wrote is lost without a trace. Followers are *not* told of an edit: no event is written, as a
correction is not news (README, "Editing an idea"). Topics are the keys of the jam's
``topics:`` list; readers cannot set them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pollserver.domain import jams
from pollserver.domain.errors import BadRequest, NotFound
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.records import AuditEntry, Idea
from pollserver.domain.specs import JamSpec
from pollserver.store.base import Store

__all__ = ["edit_idea", "set_topics"]


def _jam_idea(store: Store, jam_id: str, idea_id: str) -> tuple[JamSpec, Idea]:
    item = store.get_item("jam", jam_id)
    idea = store.get_idea(str(idea_id))
    if item is None or idea is None or idea.jam_id != jam_id:
        raise NotFound(f"There is no idea {str(idea_id)[:20]!r} in this jam.")
    spec = spec_from_manifest("jam", item.spec)
    assert isinstance(spec, JamSpec)
    return spec, idea


def edit_idea(store: Store, actor: str, jam_id: str, idea_id: str, *, title: object,
              body: object, at: datetime) -> Idea:
    """Correct an idea's title and text (validated as a reader's); the old words go to the
    audit log. An unchanged idea writes nothing."""
    _, idea = _jam_idea(store, jam_id, idea_id)
    clean = jams.validate_idea(title, body if body is not None else idea.body)
    if (clean.title, clean.body) == (idea.title, idea.body):
        return idea
    updated = store.update_idea(idea.id, title=clean.title, body=clean.body)
    store.add_audit(AuditEntry(at=at, actor=actor, action="idea.edit", target=f"idea:{idea.id}",
                               details={"jam": jam_id,
                                        "before": {"title": idea.title, "body": idea.body},
                                        "after": {"title": clean.title, "body": clean.body}}))
    return updated


def set_topics(store: Store, actor: str, jam_id: str, idea_id: str, topics: Iterable[object],
               *, at: datetime) -> Idea:
    """Give an idea topics from its jam's ``topics:`` list (an empty list removes them)."""
    spec, idea = _jam_idea(store, jam_id, idea_id)
    known = spec.topic_keys()
    if isinstance(topics, str | bytes):
        raise BadRequest("topics must be a list of topic keys.", field="topics")
    chosen = list(dict.fromkeys(str(t) for t in topics))
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise BadRequest(f"{unknown[0][:40]!r} is not a topic of this jam "
                         f"(topics: {', '.join(known) or 'none'}).", field="topics")
    keys = tuple(sorted(chosen, key=list(known).index))
    if keys == idea.topics:
        return idea
    updated = store.update_idea(idea.id, topics=keys)
    store.add_audit(AuditEntry(at=at, actor=actor, action="idea.topics", target=f"idea:{idea.id}",
                               details={"jam": jam_id, "before": list(idea.topics),
                                        "after": list(keys)}))
    return updated
