"""The events of the hub, built from domain records: one function per event type.

Each returns a dict for ``store.emit`` (see :func:`pollserver.domain.outbox.new_event`) that
holds what a reader or a webhook needs to tell about it (titles, links, the editor's note) and
never a voter id or address: ``voter`` only routes a personal event (a reward) and is not
part of ``data``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pollserver.domain.outbox import new_event
from pollserver.domain.records import Idea

__all__ = [
    "idea_created", "idea_merged", "idea_published", "idea_removed", "idea_url", "idea_won",
    "jam_closed",
    "jam_reopened", "jam_url", "poll_closed", "pool_low", "reward_issued", "status_changed",
    "survey_answered",
]


def jam_url(jam_id: str) -> str:
    """The page where a jam's ideas are shown (served by pollserver)."""
    return f"/jams/{jam_id}"


def idea_url(jam_id: str, idea_id: str) -> str:
    """The idea on its jam's page."""
    return f"{jam_url(jam_id)}#idea-{idea_id}"


def _idea_subjects(idea: Idea) -> list[str]:
    return [f"idea:{idea.id}", f"jam:{idea.jam_id}"]


def status_changed(idea: Idea, before: str, *, note: str, notify: bool,
                   at: datetime, label: str | None = None) -> dict[str, Any]:
    """An editor moved an idea to a new status (with a note for its followers).

    ``label`` is what readers call the status on this site ("Brewing" for ``in-progress``);
    mails and feeds say it, integrations keep the stable ``status`` key.
    """
    return new_event("idea.status_changed", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title, "before": before,
        "status": idea.status, "status_label": label or idea.status, "note": note,
        "url": idea_url(idea.jam_id, idea.id)},
        at=at, notify=notify)


def idea_merged(source: Idea, target: Idea, *, at: datetime) -> dict[str, Any]:
    """``source`` was merged into ``target``: its votes moved (or came back)."""
    return new_event("idea.merged", [f"idea:{source.id}", f"idea:{target.id}",
                                     f"jam:{source.jam_id}"], {
        "id": source.id, "jam": source.jam_id, "title": source.title, "into": target.id,
        "into_title": target.title, "url": idea_url(target.jam_id, target.id)}, at=at)


def idea_won(idea: Idea, *, at: datetime) -> dict[str, Any]:
    """An idea was picked as a winner."""
    return new_event("idea.won", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title,
        "url": idea_url(idea.jam_id, idea.id)}, at=at)


def jam_reopened(jam_id: str, title: str, *, at: datetime) -> dict[str, Any]:
    """An editor undid an early close: whoever heard "it has closed" hears it is open again."""
    return new_event("jam.reopened", [f"jam:{jam_id}"], {
        "id": jam_id, "title": title, "url": jam_url(jam_id)}, at=at)


def jam_closed(jam_id: str, title: str, winners: list[str], *, at: datetime) -> dict[str, Any]:
    """A jam closed (early, by an editor) with these winners' titles."""
    return new_event("jam.closed", [f"jam:{jam_id}"], {
        "id": jam_id, "title": title, "winners": winners, "url": jam_url(jam_id)}, at=at)


def poll_closed(poll_id: str, question: str, results: list[tuple[str, int]], url: str, *,
                at: datetime) -> dict[str, Any]:
    """A poll closed with these results (label, votes)."""
    return new_event("poll.closed", [f"poll:{poll_id}"], {
        "id": poll_id, "title": question, "results": [list(r) for r in results],
        "url": url}, at=at)


def reward_issued(pool: str, voter: str, *, at: datetime) -> dict[str, Any]:
    """A reward code from ``pool`` went to ``voter`` (written only if one was handed out)."""
    return new_event("reward.issued", [f"pool:{pool}"], {"pool": pool, "url": "/me"},
                     at=at, voter=voter, if_result=True)


def pool_low(pool: str, left: int, total: int, *, at: datetime) -> dict[str, Any]:
    """A reward pool has fewer than 10 % of its codes left (for editors' systems, not mail)."""
    return new_event("reward.pool_low", [f"pool:{pool}"], {
        "pool": pool, "left": left, "total": total}, at=at, notify=False, if_result=True)


def idea_created(jam_id: str, title: str, moderation: str, *, at: datetime) -> dict[str, Any]:
    """A reader submitted an idea (its id is filled in by the store)."""
    return new_event("idea.created", ["idea:*", f"jam:{jam_id}"], {
        "jam": jam_id, "title": title, "moderation": moderation, "url": jam_url(jam_id)},
        at=at, notify=False)


def idea_published(idea: Idea, *, at: datetime) -> dict[str, Any]:
    """An editor approved a pending idea."""
    return new_event("idea.published", _idea_subjects(idea), {
        "id": idea.id, "jam": idea.jam_id, "title": idea.title,
        "url": idea_url(idea.jam_id, idea.id)}, at=at, notify=False)


def idea_removed(idea_id: str, jam_id: str, *, at: datetime) -> dict[str, Any]:
    """A published idea left the site (hidden or rejected by an editor, or erased by its
    author): the static pages that show it must be rebuilt. No title, no author: an erased
    idea must not live on in the outbox, and nobody is mailed."""
    return new_event("idea.removed", [f"idea:{idea_id}", f"jam:{jam_id}"], {
        "id": idea_id, "jam": jam_id, "url": jam_url(jam_id)}, at=at, notify=False)


def survey_answered(survey_id: str, score: int, category: str, *,
                    at: datetime) -> dict[str, Any]:
    """Someone answered a survey (score and category only, never the comment).

    The event names the stored answer (subject ``response:<id>``) instead of copying its
    comment: the webhook sender reads the comment from the answer for endpoints that opted
    in, so events, feeds and mails never hold it, and erasing the voter (which blanks the
    comment) leaves no copy behind.
    """
    return new_event("survey.answered", [f"survey:{survey_id}", "response:*"], {
        "id": survey_id, "score": score, "category": category}, at=at, notify=False)
