"""The memory store's survey calls (``store/base.py``, surveys): one answer per voter, read
back by survey or by voter. Bound by ``MemoryStore`` like ``items.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pollserver.domain.records import SurveyResponse

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["add_response", "list_responses", "response_of"]


def add_response(store: MemoryStore, survey_id: str, *, voter_id: str | None, score: int,
                 category: str, comment: str, consent_to_quote: bool,
                 at: datetime) -> SurveyResponse:
    return store.commit({"op": "response", "survey": survey_id, "voter": voter_id,
                         "score": score, "category": category, "comment": comment,
                         "consent": consent_to_quote, "at": at.isoformat()})


def list_responses(store: MemoryStore, survey_id: str) -> list[SurveyResponse]:
    with store.reading() as state:
        return list(state.responses.get(survey_id, ()))


def response_of(store: MemoryStore, survey_id: str, voter_id: str) -> SurveyResponse | None:
    with store.reading() as state:
        return state.answered.get((survey_id, voter_id))
