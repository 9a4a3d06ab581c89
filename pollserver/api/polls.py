"""Poll endpoints: read a poll with live results, and vote (JSON or no-JS form)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from pollserver.actions import polls
from pollserver.api import bp
from pollserver.api.guards import reply, state_changing
from pollserver.presenters.polls import poll_view
from pollserver.web.context import get_store, load, now, reader
from pollserver.web.identity import current_voter, ensure_voter
from pollserver.web.locale import current_lang
from pollserver.web.newvoters import reward_gate
from pollserver.web.texts import in_language
from pollserver.web.verified import require_verified


@bp.get("/polls/<poll_id>")
def get_poll(poll_id: str) -> Response:
    """Return the poll, the voter's own vote and (when visible) live results."""
    item, spec = load("poll", poll_id)
    return jsonify(in_language(poll_view(reader(current_voter()), item, spec), current_lang()))


@bp.post("/polls/<poll_id>/vote")
@state_changing("poll", limit="vote")
def vote(poll_id: str, body: Any) -> Response:
    """Record a vote; one per voter, changeable only when the editor allowed it."""
    item, spec = load("poll", poll_id)
    require_verified(spec)
    raw = body.getlist("choices") if hasattr(body, "getlist") else body.get("choices")
    done = polls.vote(get_store(), item, spec, raw, ensure_voter, at=now(),
                      reward=reward_gate)
    view = poll_view(reader(done.voter), item, spec, done.choices, tally=done.tally,
                     state=done.state)
    return reply("poll", spec.id, in_language(view, current_lang()),
                 message="Thanks, your vote counted.", outcome="voted")
