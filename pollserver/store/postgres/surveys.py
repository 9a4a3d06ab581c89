"""Promoter-survey answers in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import Connection

from pollserver.domain.errors import AlreadyVoted
from pollserver.domain.records import SurveyResponse

__all__ = ["RESPONSE_COLUMNS", "add_response", "list_responses", "response_from_row"]

RESPONSE_COLUMNS = "id, survey_id, voter_id, score, category, comment, consent, created_at"

# The partial unique index (survey, voter) decides "already answered"; ON CONFLICT turns a race
# between two tabs into one stored answer and one AlreadyVoted, never two answers. The NOT
# EXISTS only saves the sequence number a plain repeat would burn, keeping ids dense.
_INSERT = f"""
WITH s AS (
    SELECT nextval('record_seq') AS n WHERE %(voter)s::text IS NULL OR NOT EXISTS (
        SELECT 1 FROM responses WHERE survey_id = %(survey)s AND voter_id = %(voter)s))
INSERT INTO responses (id, seq, survey_id, voter_id, score, category, comment, consent,
                       created_at)
SELECT n::text, n, %(survey)s, %(voter)s, %(score)s, %(category)s, %(comment)s, %(consent)s,
       %(at)s FROM s
ON CONFLICT (survey_id, voter_id) WHERE voter_id IS NOT NULL DO NOTHING
RETURNING {RESPONSE_COLUMNS}
"""


def response_from_row(row: Sequence[Any]) -> SurveyResponse:
    """Build a :class:`SurveyResponse` from a row selected with :data:`RESPONSE_COLUMNS`."""
    return SurveyResponse(id=row[0], survey_id=row[1], voter_id=row[2], score=row[3],
                          category=row[4], comment=row[5], consent_to_quote=row[6],
                          created_at=row[7])


def add_response(conn: Connection, survey_id: str, *, voter_id: str | None, score: int,
                 category: str, comment: str, consent_to_quote: bool,
                 at: datetime) -> SurveyResponse:
    """Store one answer unless this voter already answered the survey."""
    row = conn.execute(_INSERT, {
        "survey": survey_id, "voter": voter_id, "score": score, "category": category,
        "comment": comment, "consent": consent_to_quote, "at": at}).fetchone()
    if row is None:
        raise AlreadyVoted("You have already answered this survey.")
    return response_from_row(row)


def response_of(conn: Connection, survey_id: str, voter_id: str) -> SurveyResponse | None:
    """Return one voter's answer (the unique index on survey and voter finds it)."""
    row = conn.execute(f"SELECT {RESPONSE_COLUMNS} FROM responses WHERE survey_id = %s"
                       " AND voter_id = %s", (survey_id, voter_id)).fetchone()
    return response_from_row(row) if row is not None else None


def list_responses(conn: Connection, survey_id: str) -> list[SurveyResponse]:
    """Return a survey's answers oldest first."""
    rows = conn.execute(f"SELECT {RESPONSE_COLUMNS} FROM responses WHERE survey_id = %s"
                        " ORDER BY seq", (survey_id,)).fetchall()
    return [response_from_row(row) for row in rows]
