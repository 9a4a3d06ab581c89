"""Plain records the store hands back: items, tallies, ideas, survey answers, audit entries.

They live in the domain so rules can be written against them without knowing the backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "IDEA_CHANGES",
    "MODERATION_STATES",
    "AuditEntry",
    "Idea",
    "Item",
    "SurveyResponse",
    "SyncReport",
    "Tally",
]

#: Whether others can see an idea: pre-moderated ideas start ``pending``.
MODERATION_STATES = ("pending", "published", "rejected", "hidden")
#: The fields of an idea an update may change (every backend refuses any other).
IDEA_CHANGES = ("moderation", "status", "winner", "title", "body", "author", "topics")


@dataclass(frozen=True)
class Item:
    """A poll, jam or survey as synced from the build manifest."""

    kind: str
    id: str
    spec: dict[str, Any]
    source: str = ""
    url: str = ""
    archived: bool = False
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Tally:
    """Votes per option key and the number of voters (``total``)."""

    total: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Idea:
    """An idea submitted to a jam, with its live vote count."""

    id: str
    jam_id: str
    title: str
    body: str
    author: str | None
    voter_id: str | None
    created_at: datetime
    moderation: str = "published"
    status: str = "open"
    winner: bool = False
    merged_into: str | None = None
    votes: int = 0
    topics: tuple[str, ...] = ()  # topic keys an editor gave it (``JamSpec.topic_keys``)


@dataclass(frozen=True)
class SurveyResponse:
    """One answer to a promoter survey."""

    id: str
    survey_id: str
    voter_id: str | None
    score: int
    category: str
    comment: str
    consent_to_quote: bool
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    """One editor action: who did what to which target, and when."""

    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncReport:
    """What ``pollserver sync`` changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
