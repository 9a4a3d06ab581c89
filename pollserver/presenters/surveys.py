"""A promoter survey as readers see it: the question, follow-ups, their own answer, reward."""

from __future__ import annotations

from typing import Any

from pollserver.domain.phases import phase_of
from pollserver.domain.records import Item
from pollserver.domain.specs import SurveySpec, iso_utc
from pollserver.presenters.polls import reward_view
from pollserver.web.services import Reader

__all__ = ["survey_view"]


def survey_view(reader: Reader, item: Item, spec: SurveySpec) -> dict[str, Any]:
    """Build the survey's public JSON with the reader's own answer (or ``None``).

    The answer is looked up by voter (``Store.response_of``), not found among every answer.
    """
    state = phase_of(item, spec, reader.at)
    mine = reader.store.response_of(spec.id, reader.voter) if reader.voter else None
    return {
        "id": spec.id,
        "question": spec.question,
        "followups": dict(spec.followups),
        "review_links": [{"name": link.name, "url": link.url} for link in spec.review_links],
        "opens": iso_utc(spec.opens),
        "closes": iso_utc(spec.closes),
        "open": state == "open",
        "state": state,
        "my_response": None if mine is None else {
            "score": mine.score, "category": mine.category, "comment": mine.comment,
            "consent_to_quote": mine.consent_to_quote, "created_at": iso_utc(mine.created_at)},
        "reward": reward_view(reader, spec.reward, took_part=mine is not None),
        "url": item.url or None,
    }
