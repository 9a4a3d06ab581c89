"""Idea jam endpoints: read a jam, submit ideas, spend and take back votes, champions.

Every state-changing URL takes JSON from ``engage.js`` and a plain form with JavaScript off.
Forms can name a same-site ``next`` path (the server-rendered ``/jams/ID`` page does) to be
sent back there instead of to the article; forms cannot send DELETE, so un-voting posts
``_method=DELETE`` to the vote URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Response, jsonify, request

from pollserver.api import bp
from pollserver.api.guards import is_form, reply, state_changing
from pollserver.api.items import get_store, load, now
from pollserver.api.polls import reward_view
from pollserver.domain import jams
from pollserver.domain.errors import NotFound
from pollserver.domain.records import Idea, Item
from pollserver.domain.specs import JamSpec
from pollserver.identity import current_voter, ensure_voter
from pollserver.markup import idea_html

__all__ = ["hub_champions", "jam_view", "safe_next"]

#: Form field that catches bots: people never see it, so anything in it is a robot's.
HONEYPOT = "website"


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def safe_next(value: object) -> str | None:
    """Return ``value`` if it is a path on this site (``/x``, never ``//host`` or a URL)."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 300:
        return None
    if value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value.split("#", 1)[0]


def follow_next(view: Callable[..., Response]) -> Callable[..., Response]:
    """Send a form's 303 to its ``next`` path (keeping the anchor) when it names one."""

    @wraps(view)
    def wrapped(**kwargs: Any) -> Response:
        response = view(**kwargs)
        if response.status_code == 303 and request.mimetype != "application/json":
            target = safe_next(request.form.get("next"))
            if target:
                anchor = urlsplit(response.location or "").fragment
                response.location = f"{target}#{anchor}" if anchor else target
        return response

    return wrapped


def idea_view(idea: Idea, voter: str | None, mine_votes: set[str],
              titles: dict[str, str]) -> dict[str, Any]:
    """Return one idea as listed to this voter."""
    pending = idea.moderation != "published"
    return {
        "id": idea.id,
        "title": idea.title,
        "body": idea.body,
        "body_html": idea_html(idea.body),
        "author": idea.author,
        "votes": idea.votes,
        "status": idea.moderation if pending else idea.status,
        "moderation": idea.moderation,
        "winner": idea.winner,
        "voted_by_me": idea.id in mine_votes,
        "merged_into": idea.merged_into,
        "merged_into_title": titles.get(idea.merged_into or ""),
        "mine": voter is not None and idea.voter_id == voter,
        "created_at": _iso(idea.created_at),
    }


def _visible(idea: Idea, voter: str | None) -> bool:
    if idea.moderation == "published":
        return True
    return idea.moderation == "pending" and voter is not None and idea.voter_id == voter


def jam_view(item: Item, spec: JamSpec, voter: str | None, sort: str = "top") -> dict[str, Any]:
    """Build the jam's public JSON for this voter: phase, budget, ideas, winners."""
    store = get_store()
    state = jams.jam_state(spec, item.closed_at, now(), archived=item.archived)
    all_ideas = store.list_ideas(spec.id)
    titles = {i.id: i.title for i in all_ideas}
    mine_votes = store.idea_votes_of(spec.id, voter) if voter else set()
    shown = jams.sort_ideas([i for i in all_ideas if _visible(i, voter)], sort)
    winners = jams.sort_ideas([i for i in all_ideas if i.winner
                               and i.moderation == "published"], "top")
    took_part = bool(mine_votes) or any(
        i.voter_id == voter and i.moderation == "published" for i in all_ideas if voter)
    closed_early = item.closed_at is not None and state.phase == "closed"
    return {
        "id": spec.id,
        "title": spec.title,
        "prompt": spec.prompt,
        "phase": state.phase,
        "submit_open": state.submit_open,
        "vote_open": state.vote_open,
        "opens": _iso(spec.submit_from),
        "submit_from": _iso(spec.submit_from),
        "vote_from": _iso(spec.vote_from),
        "closes": _iso(item.closed_at if closed_early else spec.closes),
        "moderation": spec.moderation,
        "votes_per_person": spec.votes_per_person,
        "my_votes_left": jams.votes_left(spec.votes_per_person, len(mine_votes)),
        "max_winners": spec.max_winners,
        "sort": sort,
        "ideas": [idea_view(i, voter, mine_votes, titles) for i in shown],
        "winners": [{"id": i.id, "title": i.title, "author": i.author, "votes": i.votes}
                    for i in winners],
        "reward": reward_view(spec.reward, voter, took_part=took_part),
        "url": item.url or None,
    }


def _sort_arg() -> str:
    sort = request.args.get("sort", "top")
    return sort if sort in jams.SORTS else "top"


@bp.get("/jams/<jam_id>")
def get_jam(jam_id: str) -> Response:
    """Return the jam with its published ideas (and the voter's own pending ones)."""
    item, spec = load("jam", jam_id)
    return jsonify(jam_view(item, spec, current_voter(), _sort_arg()))


@bp.get("/jams/<jam_id>/similar")
def similar(jam_id: str) -> Response:
    """Return published ideas whose titles look like ``?title=`` (to avoid duplicates)."""
    _, spec = load("jam", jam_id)
    title = request.args.get("title", "")[: jams.TITLE_MAX * 2]
    found = jams.similar_ideas(title, get_store().list_ideas(spec.id))
    return jsonify({"similar": [_brief(i) for i in found]})


def _brief(idea: Idea) -> dict[str, Any]:
    return {"id": idea.id, "title": idea.title, "votes": idea.votes, "status": idea.status}


@bp.post("/jams/<jam_id>/ideas")
@follow_next
@state_changing("jam", limit="idea")
def submit_idea(jam_id: str, body: Any) -> Response:
    """Store a reader's idea: published at once, or pending under pre-moderation."""
    item, spec = load("jam", jam_id)
    at = now()
    jams.check_can_submit(jams.jam_state(spec, item.closed_at, at, archived=item.archived))
    clean = jams.validate_idea(body.get("title"), body.get("body") or "",
                               body.get("author"))
    moderation = "pending" if spec.moderation == "pre" else "published"
    store = get_store()
    similar_now = jams.similar_ideas(clean.title, store.list_ideas(spec.id))
    payload = {"title": clean.title, "body": clean.body, "author": clean.author,
               "status": moderation, "similar": [_brief(i) for i in similar_now]}
    if body.get(HONEYPOT):
        # A robot filled the hidden field: look successful, keep nothing.
        return reply("jam", spec.id, {"id": "0", **payload}, status=201,
                     message=_submitted_message(moderation))
    voter = ensure_voter()
    idea = store.add_idea(spec.id, title=clean.title, body=clean.body, author=clean.author,
                          voter_id=voter, moderation=moderation, at=at)
    if spec.reward and moderation == "published":
        store.claim_code(spec.reward, voter, at=at)
    return reply("jam", spec.id, {"id": idea.id, **payload}, status=201,
                 message=_submitted_message(moderation), anchor=f"idea-{idea.id}"
                 if moderation == "published" else None)


def _submitted_message(moderation: str) -> str:
    if moderation == "pending":
        return "Thanks! Your idea is awaiting review and will appear once our team has read it."
    return "Thanks! Your idea is up; others can vote for it now."


def _check_idea(spec: JamSpec, idea_id: str) -> Idea:
    idea = get_store().get_idea(idea_id)
    if idea is None or idea.jam_id != spec.id:
        raise NotFound(f"There is no idea {idea_id[:20]!r} in this jam.")
    return idea


@bp.route("/jams/<jam_id>/ideas/<idea_id>/vote", methods=["POST", "DELETE"])
@follow_next
@state_changing("jam", limit="vote")
def vote_idea(jam_id: str, idea_id: str, body: Any) -> Response:
    """Spend one vote on an idea (POST) or take it back (DELETE, or ``_method=DELETE``)."""
    item, spec = load("jam", jam_id)
    _check_idea(spec, idea_id)
    at = now()
    jams.check_can_vote(jams.jam_state(spec, item.closed_at, at, archived=item.archived))
    store = get_store()
    method = request.method
    if is_form() and str(body.get("_method", "")).upper() == "DELETE":
        method = "DELETE"
    if method == "DELETE":
        voter = current_voter()
        taken = bool(voter) and store.unvote_idea(spec.id, idea_id, voter)
        message = "Your vote was taken back." if taken else "You had not voted for that idea."
    else:
        voter = ensure_voter()
        store.vote_idea(spec.id, idea_id, voter, budget=spec.votes_per_person, at=at)
        if spec.reward:
            store.claim_code(spec.reward, voter, at=at)
        message = "Thanks, your vote counted."
    return reply("jam", spec.id, jam_view(item, spec, voter, _sort_arg()), message=message,
                 anchor=f"idea-{idea_id}")


def hub_champions(jam_id: str | None = None) -> list[dict[str, Any]]:
    """Return the leaderboard of one jam, or of every live jam on the hub."""
    store = get_store()
    if jam_id is not None:
        _, spec = load("jam", jam_id)
        ideas = store.list_ideas(spec.id)
    else:
        ideas = [idea for item in store.list_items("jam") if not item.archived
                 for idea in store.list_ideas(item.id)]
    return [c.as_dict() for c in jams.champions(ideas)]


@bp.get("/champions")
def champions() -> Response:
    """Return the hub-wide champions leaderboard."""
    return jsonify({"champions": hub_champions()})


@bp.get("/jams/<jam_id>/champions")
def jam_champions(jam_id: str) -> Response:
    """Return one jam's champions leaderboard."""
    return jsonify({"id": jam_id, "champions": hub_champions(jam_id)})
