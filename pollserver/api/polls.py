"""Poll endpoints: read a poll with live results, and vote (JSON or no-JS form)."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from pollserver.api import bp
from pollserver.api.guards import reply, state_changing
from pollserver.api.items import get_store, load, now
from pollserver.domain.polls import phase, require_open, results_visible, validate_choices
from pollserver.domain.records import Item, Tally
from pollserver.domain.specs import PollSpec, iso_utc
from pollserver.identity import current_voter, ensure_voter
from pollserver.newvoters import claim_reward


def reward_view(pool: str | None, voter: str | None, *, took_part: bool) -> dict | None:
    """Describe the voter's reward: the code they hold, none left, one already given to this
    connection today, or not earned yet."""
    if not pool:
        return None
    code = get_store().code_of(pool, voter) if voter else None
    status = "claimed" if code else ("empty" if took_part else "available")
    if status == "empty" and (g.get("reward_limited") == pool or _codes_left(pool)):
        status = "limited"
    messages = {
        "claimed": "Thanks for taking part! Here is your code.",
        "empty": "Thanks for taking part! The reward codes have all been given out.",
        "limited": "Thanks for taking part! Rewards are one per person and one per "
                   "connection a day, and this connection has had its code today.",
        "available": "Take part to receive a reward code (one per person and one per "
                     "connection a day).",
    }
    return {"pool": pool, "code": code, "status": status, "message": messages[status]}


def _codes_left(pool: str) -> bool:
    total, claimed = get_store().pool_stats().get(pool, (0, 0))
    return total > claimed


_UNKNOWN: Any = object()


def poll_view(item: Item, spec: PollSpec, voter: str | None,
              mine: tuple[str, ...] | None = _UNKNOWN, *, tally: Tally | None = None,
              state: str | None = None) -> dict[str, Any]:
    """Build the poll's public JSON, applying its results-visibility rule for this voter.

    ``mine`` is the voter's vote when the caller already knows it (the vote view just stored
    it), which saves a store read on the hot path; by default it is looked up. So are
    ``tally`` (read with the vote) and ``state`` (the poll's phase).
    """
    store = get_store()
    if state is None:
        state = phase(spec.opens, spec.closes, item.closed_at, now(), archived=item.archived)
    if mine is _UNKNOWN:
        mine = store.vote_of(spec.id, voter) if voter else None
    results = None
    if results_visible(spec.results, voted=mine is not None, closed=state == "closed"):
        if tally is None:
            tally = store.tally(spec.id)
        results = {"total": tally.total,
                   "counts": {key: tally.counts.get(key, 0) for key in spec.option_keys()}}
    return {
        "id": spec.id,
        "question": spec.question,
        "options": [{"key": o.key, "label": o.label} for o in spec.options],
        "max_choices": spec.max_choices,
        "opens": iso_utc(spec.opens),
        "closes": iso_utc(item.closed_at if item.closed_at and state == "closed" else spec.closes),
        "open": state == "open",
        "state": state,
        "changeable": spec.changeable,
        "results_visibility": spec.results,
        "results": results,
        "my_vote": list(mine) if mine is not None else None,
        "reward": reward_view(spec.reward, voter, took_part=mine is not None),
        "url": item.url or None,
    }


@bp.get("/polls/<poll_id>")
def get_poll(poll_id: str) -> Response:
    """Return the poll, the voter's own vote and (when visible) live results."""
    item, spec = load("poll", poll_id)
    return jsonify(poll_view(item, spec, current_voter()))


@bp.post("/polls/<poll_id>/vote")
@state_changing("poll", limit="vote")
def vote(poll_id: str, body: Any) -> Response:
    """Record a vote; one per voter, changeable only when the editor allowed it."""
    item, spec = load("poll", poll_id)
    at = now()
    state = phase(spec.opens, spec.closes, item.closed_at, at, archived=item.archived)
    require_open(state, "poll")
    raw = body.getlist("choices") if hasattr(body, "getlist") else body.get("choices")
    choices = validate_choices(spec, raw)
    voter = ensure_voter()
    store = get_store()
    tally = None
    if results_visible(spec.results, voted=True, closed=state == "closed"):
        # The answer shows results: read them with the vote (one round trip on PostgreSQL).
        _, tally = store.record_vote_and_tally(spec.id, voter, choices,
                                               replace=spec.changeable, at=at)
    else:
        store.record_vote(spec.id, voter, choices, replace=spec.changeable, at=at)
    if spec.reward:
        claim_reward(store, spec.reward, voter, at=at)
    return reply("poll", spec.id, poll_view(item, spec, voter, tuple(choices), tally=tally,
                                            state=state),
                 message="Thanks, your vote counted.")
