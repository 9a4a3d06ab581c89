"""Answering a promoter survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pollserver.actions.rewards import claim_reward
from pollserver.actions.voters import RewardGate, VoterSource, any_reward
from pollserver.domain import events
from pollserver.domain.phases import phase_of
from pollserver.domain.polls import require_open
from pollserver.domain.records import Item
from pollserver.domain.specs import SurveySpec
from pollserver.domain.surveys import category_of, clean_comment, parse_consent, parse_score
from pollserver.store.base import Store

__all__ = ["Answered", "answer"]


@dataclass(frozen=True)
class Answered:
    """One answer was stored (and a reward code claimed when the survey has a pool)."""

    survey_id: str
    voter: str
    score: int
    category: str
    comment: str
    consent_to_quote: bool


def answer(store: Store, item: Item, spec: SurveySpec, voter: VoterSource, *, score: Any,
           comment: Any, consent_to_quote: Any, at: datetime,
           reward: RewardGate = any_reward) -> Answered:
    """Store the voter's one answer (fields as sent): score, comment, consent to quote."""
    require_open(phase_of(item, spec, at), "survey")
    score = parse_score(score)
    comment = clean_comment(comment)
    consent = parse_consent(consent_to_quote)
    category = category_of(score)
    who = voter()
    store.emit(events.survey_answered(spec.id, score, category, at=at)).add_response(
        spec.id, voter_id=who, score=score, category=category, comment=comment,
        consent_to_quote=consent, at=at)
    if spec.reward and reward(store, spec.reward, who):
        # Everyone who answers is thanked alike: the reward never depends on the score,
        # and nothing is ever given for leaving a review.
        claim_reward(store, spec.reward, who, at=at)
    return Answered(spec.id, who, score, category, comment, consent)
