"""Idea jam endpoints: read a jam, submit ideas, spend and take back votes, champions.

Every state-changing URL takes JSON from the engage widgets (``theme/static/js/engage/``) and
a plain form with JavaScript off.
Forms can name a same-site ``next`` path (the server-rendered ``/jams/ID`` page does) to be
sent back there instead of to the article; forms cannot send DELETE, so un-voting posts
``_method=DELETE`` to the vote URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, jsonify, request

from pollserver.actions import jams as actions
from pollserver.actions.jams import HONEYPOT
from pollserver.api import bp
from pollserver.api.guards import is_form, reply, state_changing
from pollserver.domain import jams
from pollserver.domain.paging import parse_page_request
from pollserver.domain.paths import local_path
from pollserver.domain.records import Idea
from pollserver.presenters.jams import jam_json, jam_view
from pollserver.presenters.leaderboard import hub_champions
from pollserver.web.context import get_store, load, now, reader
from pollserver.web.identity import current_voter, ensure_voter
from pollserver.web.newvoters import reward_gate
from pollserver.web.proof import must_wait
from pollserver.web.verified import require_verified

__all__ = ["next_path"]


def next_path(value: object) -> str | None:
    """Return a form's ``next`` if it is a path on this site (``domain.paths.local_path``),
    without its fragment: the reply adds its own anchor."""
    path = local_path(value)
    return path.partition("#")[0] if path is not None else None


def follow_next(view: Callable[..., Response]) -> Callable[..., Response]:
    """Send a form's 303 to its ``next`` path (keeping the anchor) when it names one."""

    @wraps(view)
    def wrapped(**kwargs: Any) -> Response:
        response = view(**kwargs)
        if response.status_code == 303 and request.mimetype != "application/json":
            target = next_path(request.form.get("next"))
            if target:
                anchor = urlsplit(response.location or "").fragment
                response.location = f"{target}#{anchor}" if anchor else target
        return response

    return wrapped


def _sort_arg() -> str:
    sort = request.args.get("sort", "top")
    return sort if sort in jams.SORTS else "top"


@bp.get("/jams/<jam_id>")
def get_jam(jam_id: str) -> Response:
    """Return the jam with its published ideas (and the voter's own pending ones)."""
    item, spec = load("jam", jam_id)
    page = parse_page_request(request.args.get)
    body = jam_json(reader(current_voter()), item, spec, _sort_arg(), page)
    return current_app.response_class(body, mimetype="application/json")


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
@state_changing("jam", limit="idea", proof=lambda body: True)
def submit_idea(jam_id: str, body: Any) -> Response:
    """Store a reader's idea: published at once, or pending under pre-moderation."""
    item, spec = load("jam", jam_id)
    require_verified(spec)
    done = actions.submit_idea(get_store(), item, spec, ensure_voter, title=body.get("title"),
                               body=body.get("body"), author=body.get("author"),
                               robot=bool(body.get(HONEYPOT)), at=now(),
                               reward=reward_gate, hold=lambda: must_wait(f"jam:{spec.id}"))
    clean, moderation = done.clean, done.moderation
    payload = {"title": clean.title, "body": clean.body, "author": clean.author,
               "status": moderation, "similar": [_brief(i) for i in done.similar]}
    if done.idea is None:
        return reply("jam", spec.id, {"id": "0", **payload}, status=201,
                     message=_submitted_message(moderation), outcome=_outcome(moderation))
    # The jam page lists the new idea; the article's block does not, so a form posted there
    # comes back to the block itself, where the message is.
    listed = moderation == "published" and next_path(request.form.get("next")) is not None
    return reply("jam", spec.id, {"id": done.idea.id, **payload}, status=201,
                 message=_submitted_message(moderation),
                 anchor=f"idea-{done.idea.id}" if listed else None, outcome=_outcome(moderation))


def _outcome(moderation: str) -> str:
    return "pending" if moderation == "pending" else "sent"


def _submitted_message(moderation: str) -> str:
    if moderation == "pending":
        return "Thanks! Your idea is awaiting review and will appear once our team has read it."
    return "Thanks! Your idea is up; others can vote for it now."


@bp.route("/jams/<jam_id>/ideas/<idea_id>/vote", methods=["POST", "DELETE"])
@follow_next
@state_changing("jam", limit="vote")
def vote_idea(jam_id: str, idea_id: str, body: Any) -> Response:
    """Spend one vote on an idea (POST) or take it back (DELETE, or ``_method=DELETE``)."""
    item, spec = load("jam", jam_id)
    method = request.method
    if is_form() and str(body.get("_method", "")).upper() == "DELETE":
        method = "DELETE"
    voter: str | None
    if method == "DELETE":
        taken = actions.unvote_idea(get_store(), item, spec, idea_id, current_voter(), at=now())
        voter = taken.voter
        message = ("Your vote was taken back." if taken.taken
                   else "You had not voted for that idea.")
    else:
        require_verified(spec)
        voter = actions.vote_idea(get_store(), item, spec, idea_id, ensure_voter,
                                  at=now(), reward=reward_gate).voter
        message = "Thanks, your vote counted."
    return reply("jam", spec.id, jam_view(reader(voter), item, spec, _sort_arg()), message=message,
                 anchor=f"idea-{idea_id}")


@bp.get("/champions")
def champions() -> Response:
    """Return the hub-wide champions leaderboard."""
    return jsonify({"champions": hub_champions(reader(None))})


@bp.get("/jams/<jam_id>/champions")
def jam_champions(jam_id: str) -> Response:
    """Return one jam's champions leaderboard."""
    return jsonify({"id": jam_id, "champions": hub_champions(reader(None), jam_id)})
