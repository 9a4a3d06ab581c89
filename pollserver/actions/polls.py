"""Voting in a poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pollserver.actions.rewards import claim_reward
from pollserver.actions.voters import RewardGate, VoterSource, any_reward
from pollserver.domain.phases import phase_of
from pollserver.domain.polls import require_open, results_visible, validate_choices
from pollserver.domain.records import Item, Tally
from pollserver.domain.specs import PollSpec
from pollserver.store.base import Store

__all__ = ["Voted", "vote"]


@dataclass(frozen=True)
class Voted:
    """A vote was recorded (and a reward code claimed when the poll has a pool)."""

    poll_id: str
    voter: str
    choices: tuple[str, ...]
    state: str
    tally: Tally | None  # read with the vote when the answer shows results


def vote(store: Store, item: Item, spec: PollSpec, raw_choices: object, voter: VoterSource,
         *, at: datetime, reward: RewardGate = any_reward) -> Voted:
    """Record the voter's choices; one vote per voter, replaced only when the poll allows."""
    state = phase_of(item, spec, at)
    require_open(state, "poll")
    choices = validate_choices(spec, raw_choices)
    who = voter()
    tally = None
    if results_visible(spec.results, voted=True, closed=state == "closed"):
        # The answer shows results: read them with the vote (one round trip on PostgreSQL).
        _, tally = store.record_vote_and_tally(spec.id, who, choices,
                                               replace=spec.changeable, at=at)
    else:
        store.record_vote(spec.id, who, choices, replace=spec.changeable, at=at)
    if spec.reward and reward(store, spec.reward, who):
        claim_reward(store, spec.reward, who, at=at)
    return Voted(spec.id, who, tuple(choices), state, tally)
