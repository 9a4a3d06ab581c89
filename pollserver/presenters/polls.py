"""A poll as readers see it: question, options, the voter's vote, results when visible."""

from __future__ import annotations

from typing import Any

from pollserver.domain.phases import phase_of
from pollserver.domain.polls import results_visible
from pollserver.domain.records import Item, Tally
from pollserver.domain.specs import PollSpec, iso_utc
from pollserver.store.base import Store
from pollserver.web.services import Reader

__all__ = ["poll_view", "reward_view"]


def reward_view(reader: Reader, pool: str | None, *, took_part: bool) -> dict | None:
    """Describe the reader's reward: the code they hold, none left, one already given to
    this connection today, or not earned yet."""
    if not pool:
        return None
    code = reader.store.code_of(pool, reader.voter) if reader.voter else None
    status = "claimed" if code else ("empty" if took_part else "available")
    if status == "empty" and (reader.limited == pool or _codes_left(reader.store, pool)):
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


def _codes_left(store: Store, pool: str) -> bool:
    total, claimed = store.pool_stats().get(pool, (0, 0))
    return total > claimed


_UNKNOWN: Any = object()


def poll_view(reader: Reader, item: Item, spec: PollSpec,
              mine: tuple[str, ...] | None = _UNKNOWN, *, tally: Tally | None = None,
              state: str | None = None) -> dict[str, Any]:
    """Build the poll's public JSON, applying its results-visibility rule for the reader.

    ``mine`` is the voter's vote when the caller already knows it (the vote view just stored
    it), which saves a store read on the hot path; by default it is looked up. So are
    ``tally`` (read with the vote) and ``state`` (the poll's phase).
    """
    store, voter = reader.store, reader.voter
    if state is None:
        state = phase_of(item, spec, reader.at)
    if mine is _UNKNOWN:
        mine = store.vote_of(spec.id, voter) if voter else None
    results = None
    if results_visible(spec.results, voted=mine is not None, closed=state == "closed"):
        if tally is None:
            tally = store.tally(spec.id)
        results = {"total": tally.total,
                   "counts": {key: tally.counts.get(key, 0) for key in spec.option_keys()}}
        if spec.verified == "badge":  # how many of the voters are verified customers
            results["verified"] = store.verified_poll_voters(spec.id)
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
        "verified": spec.verified,
        "results": results,
        "my_vote": list(mine) if mine is not None else None,
        "reward": reward_view(reader, spec.reward, took_part=mine is not None),
        "url": item.url or None,
    }
