"""Every event the hub writes, declared once: its name, who hears of it, and its wording.

In the spirit of Datasette's ``hookspecs.py``, this is the one file listing the events. Each
event is its constructor (the function that builds it from domain records), registered with
``@event(name, *audiences, words=...)``:

- audiences: :data:`WEBHOOK` (endpoints may choose it), :data:`MAIL` (its followers are
  mailed), :data:`CONFIRM` (mailed to the one address that asked: a follow request),
  :data:`FEED` (the reader's private feed and "since your last visit" show it),
  :data:`PUBLISH` (static pages are out of date after it);
- ``words``: what a mail and a feed entry say about it (:func:`describe`).

Everything else is computed from :data:`EVENTS`: :data:`EVENT_TYPES`, the webhook choices
(``domain.webhooks.WEBHOOK_EVENTS``), the publish trigger (``domain.publish.PUBLISH_EVENTS``),
the feed's types (``actions.follows.FEED_TYPES``), which events the outbox mails followers
(:data:`MAIL_EVENTS`), whether an event is mailed by default, and the wording.

An event holds what a reader or a webhook needs to tell about it (titles, links, the
editor's note) and never a voter id or address: ``voter`` only routes a personal event (a
reward) and is not part of ``data``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pollserver.domain.catalogues import current
from pollserver.domain.catalogues import gettext as _
from pollserver.domain.outbox import CONFIRM, MAIL, Event
from pollserver.domain.records import Idea

__all__ = [
    "CONFIRM", "EVENTS", "EVENT_TYPES", "FEED", "MAIL", "MAIL_EVENTS", "PUBLISH", "WEBHOOK",
    "EventType", "Letter", "describe", "event", "follow_requested", "idea_created",
    "idea_merged", "idea_published", "idea_removed", "idea_url", "idea_won", "jam_closed",
    "claim_made", "jam_reopened", "jam_url", "new_event", "poll_closed", "pool_low", "quote",
    "reward_issued",
    "status_changed", "survey_answered", "types_for", "webhook_test",
]

#: Audiences (the outbox consumers an event reaches, and the reader's feed).
WEBHOOK = "webhook"
PUBLISH = "publish"
FEED = "feed"

Words = Callable[[dict[str, Any], str], tuple[str, tuple[str, ...]]]


@dataclass(frozen=True)
class EventType:
    """One event type: its name, who hears of it, its constructor and its wording."""

    name: str
    audiences: frozenset[str]
    constructor: Callable[..., dict[str, Any]]
    words: Words | None = None

    @property
    def doc(self) -> str:
        """What the event means (the constructor's first docstring line)."""
        return (self.constructor.__doc__ or "").strip().splitlines()[0]


#: Every event type, in the order they are declared below (webhook choices keep it).
EVENTS: dict[str, EventType] = {}


def event(name: str, *audiences: str, words: Words | None = None
          ) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register the decorated constructor as the event type ``name``."""

    def register(constructor: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        EVENTS[name] = EventType(name, frozenset(audiences), constructor, words)
        return constructor

    return register


def types_for(audience: str) -> tuple[str, ...]:
    """Return the event types ``audience`` hears of, in declaration order."""
    return tuple(name for name, kind in EVENTS.items() if audience in kind.audiences)


def new_event(type_: str, subjects: list[str] | tuple[str, ...], data: dict[str, Any], *,
              at: datetime, notify: bool | None = None, voter: str | None = None,
              if_result: bool = False) -> dict[str, Any]:
    """Return an event ready to hand to ``store.emit``: a plain dict with a stable id.

    ``notify`` (is it mailed) defaults to the type's audiences; an editor's silent change
    passes ``False``. ``if_result`` records it only when the change returns something (a
    reward code was actually handed out). A subject ending in ``:*`` is completed with the id
    of what the change created (``idea:*`` becomes ``idea:14``).
    """
    kind = EVENTS.get(type_)
    if kind is None:
        raise ValueError(f"unknown event type {type_!r}")
    if notify is None:
        notify = bool(kind.audiences & {MAIL, CONFIRM})
    return {"id": uuid.uuid4().hex, "type": type_, "subjects": list(subjects), "data": data,
            "at": at.isoformat(), "notify": notify, "voter": voter, "if_result": if_result}


def jam_url(jam_id: str) -> str:
    """The page where a jam's ideas are shown (served by pollserver)."""
    return f"/jams/{jam_id}"


def idea_url(jam_id: str, idea_id: str) -> str:
    """The idea's own page (served by pollserver), where a reader can vote and follow it."""
    return f"/ideas/{jam_id}/{idea_id}"


def _idea_subjects(idea: Idea) -> list[str]:
    return [f"idea:{idea.id}", f"jam:{idea.jam_id}"]


def quote(text: object) -> str:
    """Put a title in typographic quotes, as mails and feeds say it."""
    return f"\u201c{text}\u201d"


# -- the events, with their wording ----------------------------------------------------------


@event("idea.created", WEBHOOK)
def idea_created(jam_id: str, title: str, moderation: str, *, at: datetime) -> dict[str, Any]:
    """A reader submitted an idea (its id is filled in by the store)."""
    return new_event("idea.created", ["idea:*", f"jam:{jam_id}"], {
        "jam": jam_id, "title": title, "moderation": moderation,
        "url": idea_url(jam_id, "*")}, at=at)


@event("idea.published", WEBHOOK, FEED)
def idea_published(idea: Idea, *, at: datetime) -> dict[str, Any]:
    """An editor approved a pending idea."""
    return new_event("idea.published", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title,
        "url": idea_url(idea.jam_id, idea.id)}, at=at)


def _status_words(data: dict[str, Any], title: str) -> tuple[str, tuple[str, ...]]:
    status = data.get("status_label") or data.get("status")
    lines = [_("The idea %(title)s is now %(status)s.", title=title, status=status)]
    if data.get("note"):
        lines.append(_("The editors wrote: %(note)s", note=data["note"]))
    return _("%(title)s is now %(status)s", title=title, status=status), tuple(lines)


@event("idea.status_changed", WEBHOOK, MAIL, FEED, PUBLISH, words=_status_words)
def status_changed(idea: Idea, before: str, *, note: str, notify: bool,
                   at: datetime, label: str | None = None,
                   labels: dict[str, str] | None = None) -> dict[str, Any]:
    """An editor moved an idea to a new status (with a note for its followers).

    ``label`` is what readers call the status on this site ("Brewing" for ``in-progress``);
    mails and feeds say it (``labels``: in the site's other languages, for followers who
    follow in them), integrations keep the stable ``status`` key. ``notify`` false
    keeps it out of mail (the editor's choice); feeds and webhooks still see it.
    """
    return new_event("idea.status_changed", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title, "before": before,
        "status": idea.status, "status_label": label or idea.status, "note": note,
        "url": idea_url(idea.jam_id, idea.id),
        **_languages({lang: {"status_label": text} for lang, text in (labels or {}).items()})},
        at=at, notify=notify)


def _languages(words: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``{"languages": words}`` when there are any (events stay as they were otherwise)."""
    return {"languages": words} if words else {}


def _merged_words(data: dict[str, Any], title: str) -> tuple[str, tuple[str, ...]]:
    into = quote(data.get("into_title") or data.get("into"))
    return _("%(title)s was merged into %(into)s", title=title, into=into), (
        _("The idea %(title)s was merged into %(into)s: votes for it now count there, and "
          "if you had voted for both, one vote is back in your budget.", title=title, into=into),)


@event("idea.merged", WEBHOOK, MAIL, FEED, words=_merged_words)
def idea_merged(source: Idea, target: Idea, *, at: datetime) -> dict[str, Any]:
    """``source`` was merged into ``target``: its votes moved (or came back)."""
    return new_event("idea.merged", [f"idea:{source.id}", f"idea:{target.id}",
                                     f"jam:{source.jam_id}"], {
        "id": source.id, "jam": source.jam_id, "title": source.title, "into": target.id,
        "into_title": target.title, "url": idea_url(target.jam_id, target.id)}, at=at)


@event("idea.won", WEBHOOK, MAIL, FEED, PUBLISH,
       words=lambda data, title: (_("%(title)s won", title=title),
                                  (_("The idea %(title)s is one of the winners.", title=title),)))
def idea_won(idea: Idea, *, at: datetime) -> dict[str, Any]:
    """An idea was picked as a winner."""
    return new_event("idea.won", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title,
        "url": idea_url(idea.jam_id, idea.id)}, at=at)


def _jam_closed_words(data: dict[str, Any], title: str) -> tuple[str, tuple[str, ...]]:
    winners = ", ".join(quote(w) for w in data.get("winners", [])) or _("none picked yet")
    return _("%(title)s has closed", title=title), (
        _("The idea jam %(title)s has closed.", title=title),
        _("Winners: %(winners)s.", winners=winners))


@event("jam.closed", WEBHOOK, MAIL, FEED, PUBLISH, words=_jam_closed_words)
def jam_closed(jam_id: str, title: str, winners: list[str], *, at: datetime) -> dict[str, Any]:
    """A jam closed (early, by an editor, or on its date) with these winners' titles."""
    return new_event("jam.closed", [f"jam:{jam_id}"], {
        "id": jam_id, "title": title, "winners": winners, "url": jam_url(jam_id)}, at=at)


@event("jam.reopened", MAIL, FEED, PUBLISH, words=lambda data, title: (
    _("%(title)s is open again", title=title), (
        _("The idea jam %(title)s was closed early and is open again: ideas and votes count "
          "until its own closing date.", title=title),)))
def jam_reopened(jam_id: str, title: str, *, at: datetime) -> dict[str, Any]:
    """An editor undid an early close: whoever heard "it has closed" hears it is open again."""
    return new_event("jam.reopened", [f"jam:{jam_id}"], {
        "id": jam_id, "title": title, "url": jam_url(jam_id)}, at=at)


def _poll_closed_words(data: dict[str, Any], title: str) -> tuple[str, tuple[str, ...]]:
    results = "; ".join(f"{label}: {n}" for label, n in data.get("results", []))
    return _("%(title)s has closed", title=title), (
        _("The poll %(title)s has closed.", title=title),
        _("Results: %(results)s.", results=results or _("no votes")))


@event("poll.closed", WEBHOOK, MAIL, FEED, PUBLISH, words=_poll_closed_words)
def poll_closed(poll_id: str, question: str, results: list[tuple[str, int]], url: str, *,
                at: datetime, texts: dict[str, Any] | None = None) -> dict[str, Any]:
    """A poll closed with these results (label, votes).

    ``texts`` are its words in the site's other languages (``{lang: {"title": question,
    "results": [[label, votes], ...]}}``, the same counts): followers in them read those.
    """
    return new_event("poll.closed", [f"poll:{poll_id}"], {
        "id": poll_id, "title": question, "results": [list(r) for r in results],
        "url": url, **_languages(texts or {})}, at=at)


@event("idea.removed", PUBLISH)
def idea_removed(idea_id: str, jam_id: str, *, at: datetime) -> dict[str, Any]:
    """A published idea left the site (hidden or rejected, or erased by its author).

    The static pages that show it must be rebuilt. No title, no author: an erased idea must
    not live on in the outbox, and nobody is mailed.
    """
    return new_event("idea.removed", [f"idea:{idea_id}", f"jam:{jam_id}"], {
        "id": idea_id, "jam": jam_id, "url": jam_url(jam_id)}, at=at, notify=False)


@event("survey.answered", WEBHOOK)
def survey_answered(survey_id: str, score: int, category: str, *,
                    at: datetime) -> dict[str, Any]:
    """Someone answered a survey (score and category only, never the comment).

    The event names the stored answer (subject ``response:<id>``) instead of copying its
    comment: the webhook sender reads the comment from the answer for endpoints that opted
    in, so events, feeds and mails never hold it, and erasing the voter (which blanks the
    comment) leaves no copy behind.
    """
    return new_event("survey.answered", [f"survey:{survey_id}", "response:*"], {
        "id": survey_id, "score": score, "category": category}, at=at)


@event("reward.issued", MAIL, FEED, words=lambda data, title: (
    _("Your reward code is ready"),
    (_("Thank you for taking part: a reward code is waiting for you on your page."),)))
def reward_issued(pool: str, voter: str, *, at: datetime) -> dict[str, Any]:
    """A reward code from ``pool`` went to ``voter`` (written only if one was handed out)."""
    return new_event("reward.issued", [f"pool:{pool}"], {"pool": pool, "url": "/me"},
                     at=at, voter=voter, if_result=True)


@event("follow.requested", CONFIRM)
def follow_requested(follow_id: str, data: dict[str, Any], *, at: datetime) -> dict[str, Any]:
    """Someone asked to follow something: the confirmation mail to that address only.

    ``data`` carries the link's token, so the event is shown nowhere else (no feed, no
    webhook, no follower mail); ``mail/compose.py`` words the confirmation itself.
    """
    return new_event("follow.requested", [f"follow:{follow_id}"], data, at=at)


@event("reward.pool_low", WEBHOOK)
def pool_low(pool: str, left: int, total: int, *, at: datetime) -> dict[str, Any]:
    """A reward pool has fewer than 10 % of its codes left (for editors' systems, not mail)."""
    return new_event("reward.pool_low", [f"pool:{pool}"], {
        "pool": pool, "left": left, "total": total}, at=at, if_result=True)


@event("claim.made", WEBHOOK)
def claim_made(claim_id: str, pool: str, *, at: datetime) -> dict[str, Any]:
    """A reader claimed an offer's code (written only when a code was handed out for the first
    time; neither the code nor the voter is in it)."""
    return new_event("claim.made", [f"claim:{claim_id}", f"pool:{pool}"], {
        "id": claim_id, "pool": pool}, at=at, if_result=True)


@event("webhook.test")
def webhook_test(endpoint_id: str, *, at: datetime) -> dict[str, Any]:
    """An editor's "send a test event": one delivery, to the endpoint asked for only."""
    return new_event("webhook.test", [f"webhook:{endpoint_id}"],
                     {"message": "A test event from valuehub.", "endpoint": endpoint_id}, at=at)


#: Every event type the outbox carries.
EVENT_TYPES: tuple[str, ...] = tuple(EVENTS)
#: Events whose followers are mailed (``notify`` can still silence one).
MAIL_EVENTS: frozenset[str] = frozenset(types_for(MAIL))


# -- wording -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """The words of one message (or feed entry) about one event."""

    subject: str
    lines: tuple[str, ...]
    link: str


def _in_language(data: dict[str, Any]) -> dict[str, Any]:
    """The event's data with the words it carries for the language being spoken laid over
    (``"languages": {"de": {"title": ..., "status_label": ...}}``), else unchanged."""
    given = data.get("languages")
    words = given.get(current()) if isinstance(given, dict) else None
    return {**data, **words} if isinstance(words, dict) else data


def describe(event: Event) -> Letter:
    """Say in a few words what the event means for someone following it."""
    data: dict[str, Any] = _in_language(event.data)
    title = quote(data.get("title") or data.get("id") or "")
    link = str(data.get("url") or "/")
    kind = EVENTS.get(event.type)
    if kind is not None and kind.words is not None:
        subject, lines = kind.words(data, title)
        return Letter(subject, lines, link)
    return Letter(_("News about %(title)s", title=title),
                  (_("Something changed: %(type)s.", type=event.type),), link)
