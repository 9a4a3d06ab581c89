"""Following an idea, a jam or a poll by mail: request, confirm, unsubscribe.

The reader use cases behind ``POST /api/follows`` and the confirm and unsubscribe pages.
A request stores an unconfirmed follow and queues the confirmation mail in the same step;
nothing else is ever mailed to an address until its owner presses the confirm button.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pollserver.actions import shares
from pollserver.domain.errors import BadRequest, DomainError, NotFound
from pollserver.domain.events import FEED, follow_requested, idea_url, jam_url, types_for
from pollserver.domain.outbox import (
    FOLLOW_KINDS,
    Event,
    Follow,
    check_email,
    follow_id,
    new_token,
)
from pollserver.store.base import Store

log = logging.getLogger("pollserver")

__all__ = ["FEED_TYPES", "confirm", "describe_follow", "kept_via", "request", "unsubscribe",
           "updates_for", "voter_subjects"]


def _target(store: Store, kind: str, item_id: str, jam_id: str | None
            ) -> tuple[str, str, str | None]:
    """Return ``(title, url, jam)`` of what is to be followed, or raise ``NotFound``.

    The title is the editors' own: a poll's or a jam's, and for an idea its jam's. The
    confirmation mail goes to an address nobody has confirmed yet, so it must carry no
    reader-written text (an idea's title would let anyone mail their words to anyone).
    """
    if kind == "idea":
        idea = store.get_idea(item_id)
        if (idea is None or idea.moderation != "published"
                or (jam_id is not None and idea.jam_id != jam_id)):
            raise NotFound(f"There is no idea {item_id[:20]!r} in this jam.")
        jam = store.get_item("jam", idea.jam_id)
        title = str(jam.spec.get("title") or jam.id) if jam is not None else idea.jam_id
        return title, idea_url(idea.jam_id, idea.id), idea.jam_id
    item = store.get_item(kind, item_id)
    if item is None or item.archived:
        raise NotFound(f"There is no {kind} called {item_id[:64]!r}.")
    title = str(item.spec.get("title") or item.spec.get("question") or item.id)
    return title, (jam_url(item.id) if kind == "jam" else item.url or "/"), None


def request(store: Store, kind: object, item_id: object, email: object, *,
            jam_id: object = None, voter_id: str | None, at: datetime,
            lang: str = "", via: str | None = None) -> Follow:
    """Store an unconfirmed follow and queue its confirmation mail; return the follow.

    ``lang`` is the language of the page it was asked from: the mails will speak it.
    ``via`` is the share token of a newcomer whose first write this is (``shares.keep_via``):
    kept in the request's event data (erase empties it) until :func:`confirm` credits it."""
    if kind not in FOLLOW_KINDS:
        raise BadRequest("kind must be idea, jam or poll.", field="kind")
    assert isinstance(kind, str)
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or not str(item_id):
        raise BadRequest("Name what to follow as 'id'.", field="id")
    if jam_id is not None and not isinstance(jam_id, str):
        raise BadRequest("jam must be a jam id.", field="jam")
    address = check_email(email)
    title, url, jam = _target(store, kind, str(item_id), jam_id)
    token = new_token()
    follow = Follow(id=follow_id(token), kind=kind, item=str(item_id), jam=jam, email=address,
                    voter_id=voter_id, created_at=at, lang=lang[:16])
    # The token travels only in the confirmation mail (the event is never shown to anyone
    # else: feeds and webhooks leave out follow.requested).
    event = follow_requested(follow.id, {
        "kind": kind, "id": str(item_id), "jam": jam, "title": title, "url": url,
        "token": token, **({"via": via} if via else {})}, at=at)
    store.request_follow(follow, event)
    return follow


def confirm(store: Store, token: str, *, at: datetime, client: str = "",
            share_cap: int = 0) -> Follow:
    """Confirm the follow whose link holds ``token``; ``Gone`` when unknown or expired.

    A follow asked for as a newcomer's first write through a share link credits the sharer
    now (once per newcomer: the store's credit key; never from the sharer's ``client``)."""
    follow = store.confirm_follow(follow_id(token), at=at)
    via = kept_via(store, follow.id)
    if via:
        try:
            shares.credit_follow(store, follow, via, client=client, at=at, cap=share_cap)
        except DomainError:  # the confirmation stands; a credit that cannot be stored is skipped
            log.warning("share credit for a confirmed follow skipped", exc_info=True)
    return follow


def kept_via(store: Store, follow: str) -> str | None:
    """The share token kept with this follow's request, if any."""
    events = store.list_events(subjects={f"follow:{follow}"}, types={"follow.requested"},
                               limit=1)
    via = events[0].data.get("via") if events else None
    return via if isinstance(via, str) else None


def unsubscribe(store: Store, follow: str) -> int:
    """Stop every mail to the address of this follow; ``Gone`` when unknown."""
    return store.unsubscribe(follow)


def describe_follow(store: Store, token: str, *, at: datetime) -> Follow | None:
    """Return the follow a confirmation link names, if the link still works; the page uses
    it to say what the button will do before anything changes."""
    follow = store.get_follow(follow_id(token))
    if follow is None or follow.expired(at):
        return None
    return follow


#: What a reader's own feed and "since your last visit" show: the events declaring the
#: audience ``FEED`` (``domain/events.py``).
FEED_TYPES = types_for(FEED)


def voter_subjects(store: Store, voter: str) -> set[str]:
    """Everything the voter took part in: polls and ideas voted for, ideas submitted."""
    data = store.voter_data(voter)
    subjects = {f"poll:{poll}" for poll in data.get("votes", {})}
    for jam, ideas in data.get("idea_votes", {}).items():
        subjects.add(f"jam:{jam}")
        subjects.update(f"idea:{idea}" for idea in ideas)
    for idea in data.get("ideas", []):
        subjects.update((f"idea:{idea['id']}", f"jam:{idea['jam']}"))
    return subjects


#: Feed events about a whole jam (no idea of its own): a voter in the jam hears of them.
JAM_WIDE_TYPES = frozenset(t for t in FEED_TYPES if t.startswith("jam."))


def updates_for(store: Store, voter: str, *, after: datetime | None = None,
                subjects: set[str] | None = None, jam: str | None = None,
                limit: int = 50) -> list[Event]:
    """What happened to what the voter took part in (or to ``subjects``), newest first.

    Taking part in a jam (voting for or sharing one of its ideas) brings the jam's own news
    (it closed, it reopened) and the news of *those* ideas, not of every idea in the jam;
    what the reader asked to follow (an idea, a whole jam, a poll) comes whole.
    ``jam`` keeps only what concerns that jam (its page's "since your last visit"). Each
    event is listed once, however many of the reader's subjects it names.
    """
    mine = voter_subjects(store, voter) if subjects is None else subjects
    followed = store.followed_by(voter) if subjects is None else set()
    if jam is not None:
        mine = {s for s in mine if s == f"jam:{jam}" or not s.startswith("jam:")}
        followed = {s for s in followed if s == f"jam:{jam}" or not s.startswith("jam:")}
    # What the reader follows comes whole (a followed jam: every idea's news).
    own = {s for s in mine if not s.startswith("jam:")} | followed
    jams = mine - own
    found = {e.id: e for e in store.list_events(subjects=own, voter=voter, after=after,
                                                 types=FEED_TYPES, limit=limit)}
    if jams:
        for event in store.list_events(subjects=jams, voter=None, after=after,
                                       types=set(JAM_WIDE_TYPES), limit=limit):
            found.setdefault(event.id, event)
    events = [e for e in found.values()
              if jam is None or f"jam:{jam}" in e.subjects or e.voter == voter]
    events.sort(key=lambda e: e.created_at, reverse=True)
    return events[:limit]
