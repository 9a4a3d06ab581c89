"""Merge suggestions for editors: newer ideas that look like an older published one.

The same likeness as the readers' hint (``jams.similar_ideas``: words, then letters), asked
for the newest ideas only, so a jam of thousands of ideas costs a bounded amount of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pollserver.domain.jams import similar_ideas
from pollserver.domain.records import Idea

__all__ = ["MergeSuggestion", "merge_suggestions"]

#: How many of the newest ideas are compared with the rest.
NEWEST = 100


@dataclass(frozen=True)
class MergeSuggestion:
    """``source`` (newer) probably says what ``target`` (older, published) says."""

    source: Idea
    target: Idea


def merge_suggestions(ideas: Iterable[Idea], limit: int = 10) -> list[MergeSuggestion]:
    """Suggest merging each of the newest unmerged ideas into the most alike older one."""
    live = [i for i in ideas if i.status != "merged" and i.moderation in ("pending",
                                                                           "published")]
    live.sort(key=lambda i: i.created_at)
    found: list[MergeSuggestion] = []
    for index in range(len(live) - 1, max(-1, len(live) - 1 - NEWEST), -1):
        source = live[index]
        older = [i for i in live[:index] if i.moderation == "published"]
        match = similar_ideas(source.title, older, limit=1)
        if match:
            found.append(MergeSuggestion(source, match[0]))
        if len(found) >= limit:
            break
    return found
