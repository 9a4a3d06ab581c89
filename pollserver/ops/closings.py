"""Announce polls and jams that closed on their own ``closes`` date (no editor involved).

An editor's early close of a jam writes ``jam.closed`` with the close itself; a poll or jam
that simply reaches its ``closes`` date changes nothing in the store, so nobody would hear of
it. :func:`announce_closings` is that use case: every item that is closed at ``at`` and has no
``poll.closed`` / ``jam.closed`` event yet gets exactly one, written with
:meth:`~pollserver.store.outbox.Outbox.add_events`. It runs as a job of its own
(:class:`Closings`, a round every few seconds beside the mail and webhook senders in
``pollserver serve``, and first in each round of ``pollserver worker``) and once more at the
build's instant in ``pollserver results``.

**Two processes at once**: the event id is derived from the event type and the item (not
random), and every store writes an event id at most once (the state machine under its writer
lock, PostgreSQL with ``ON CONFLICT (id) DO NOTHING`` in the same transaction as the fan-out),
so two scans racing for the same item write one event and one set of deliveries. The one
remaining window is an editor closing a jam early at the very moment the scan announces it
closing on its date: then two ``jam.closed`` events (different ids) can be written; receivers
dedupe by event id (``webhook-id``), so that case is at-least-once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pollserver.domain import events
from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.phases import CLOSED, phase_of
from pollserver.domain.records import Item
from pollserver.domain.specs import JamSpec, PollSpec, SpecError
from pollserver.store.base import Store

__all__ = ["Closings", "announce_closings", "closing_event_id"]

log = logging.getLogger(__name__)

_TYPES = {"poll": "poll.closed", "jam": "jam.closed"}


def closing_event_id(kind: str, item_id: str) -> str:
    """The id of the announcement that ``kind:item_id`` closed: the same in every process."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"valuehub:{_TYPES[kind]}:{kind}:{item_id}").hex


def _closed(item: Item, at: datetime) -> Any:
    """The item's spec if it is a poll or jam closed at ``at`` (and still on the site)."""
    if item.archived:
        return None
    try:
        spec = spec_from_manifest(item.kind, item.spec)
    except SpecError:
        log.warning("skipping %s %s: its spec no longer reads", item.kind, item.id)
        return None
    return spec if phase_of(item, spec, at) == CLOSED else None


def _event(store: Store, item: Item, spec: Any, at: datetime) -> dict[str, Any]:
    if isinstance(spec, PollSpec):
        tally = store.tally(item.id)
        results = [(o.label, tally.counts.get(o.key, 0)) for o in spec.options]
        raw = events.poll_closed(item.id, spec.question, results, item.url, at=at,
                                 texts=_poll_texts(item, spec, tally.counts))
    else:
        assert isinstance(spec, JamSpec)
        winners = [i.title for i in store.list_ideas(item.id) if i.winner]
        raw = events.jam_closed(item.id, spec.title, winners, at=at)
    return dict(raw, id=closing_event_id(item.kind, item.id))


def _poll_texts(item: Item, spec: PollSpec, counts: dict[str, int]) -> dict[str, Any]:
    """The poll's question and results in each language it was translated into (the
    manifest's ``texts``, kept by sync), for followers who followed in that language."""
    given = item.spec.get("texts")
    found: dict[str, Any] = {}
    for lang, words in (given.items() if isinstance(given, dict) else ()):
        if not isinstance(words, dict):
            continue
        labels = words.get("options") if isinstance(words.get("options"), dict) else {}
        found[str(lang)] = {
            "title": str(words.get("question") or spec.question),
            "results": [[str(labels.get(o.key) or o.label), counts.get(o.key, 0)]
                        for o in spec.options]}
    return found


def _announced(store: Store, kind: str, item_id: str, seen: set[str]) -> bool:
    subject = f"{kind}:{item_id}"
    return subject in seen or bool(store.list_events(subjects=[subject],
                                                     types=[_TYPES[kind]], limit=1))


def announce_closings(store: Store, at: datetime) -> int:
    """Write one ``poll.closed`` / ``jam.closed`` event for every poll and jam that is closed
    at ``at`` and was never announced; return how many were written. Idempotent.

    A round reads the items, then the closing events of the closed ones in one query (an
    item missing from that answer, which has a limit, is checked on its own before writing).
    """
    closed = [(item, spec) for kind in _TYPES for item in store.list_items(kind)
              if (spec := _closed(item, at)) is not None]
    if not closed:
        return 0
    subjects = [f"{item.kind}:{item.id}" for item, _ in closed]
    seen = {s for e in store.list_events(subjects=subjects, types=list(_TYPES.values()),
                                         limit=4 * len(closed) + 100)
            for s in e.subjects if s in subjects}
    written = 0
    for item, spec in closed:
        if not _announced(store, item.kind, item.id, seen):
            store.emit(_event(store, item, spec, at)).add_events()
            written += 1
    return written


@dataclass
class Closings:
    """The announcer as a background job: each round scans at the clock's time."""

    store: Store
    clock: Callable[[], datetime]

    def run_once(self) -> int:
        """Announce what has closed by now; return how many announcements were written."""
        return announce_closings(self.store, self.clock())
