"""Merge suggestions for editors: newer ideas that look like an older published one.

The same likeness as the readers' hint (``jams.similar_ideas``: words, then letters), asked
for the newest ideas only, so a jam of thousands of ideas costs a bounded amount of work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pollserver.domain.jams import similar_ideas
from pollserver.domain.likeness import trigrams
from pollserver.domain.records import Idea

__all__ = ["MergeSuggestion", "merge_suggestions"]

#: How many of the newest ideas are compared with the rest.
NEWEST = 100
#: Older ideas scored closely per newer idea: those sharing the most trigrams with it.
CANDIDATES = 50
#: A trigram in more ideas than this (or a twentieth of them) says little: not used to find.
COMMON = 200


@dataclass(frozen=True)
class MergeSuggestion:
    """``source`` (newer) probably says what ``target`` (older, published) says."""

    source: Idea
    target: Idea


def merge_suggestions(ideas: Iterable[Idea], limit: int = 10) -> list[MergeSuggestion]:
    """Suggest merging each of the newest unmerged ideas into the most alike older one.

    Each older published idea is read once into a letter-trigram index; a newer idea is then
    compared (``similar_ideas``) only with the older ideas that share a trigram that is not
    everywhere, so 100 new ideas against 10,000 published ones stay a bounded amount of work.
    """
    live = [i for i in ideas if i.status != "merged" and i.moderation in ("pending",
                                                                           "published")]
    live.sort(key=lambda i: i.created_at)
    index: dict[str, list[int]] = defaultdict(list)
    for position, idea in enumerate(live):
        if idea.moderation == "published":
            for gram in trigrams(idea.title):
                index[gram].append(position)
    common = max(COMMON, len(live) // 20)
    found: list[MergeSuggestion] = []
    for position in range(len(live) - 1, max(-1, len(live) - 1 - NEWEST), -1):
        source = live[position]
        near: Counter[int] = Counter()
        for gram in trigrams(source.title):
            postings = index.get(gram, ())
            if len(postings) <= common:
                near.update(p for p in postings if p < position)
        older = [live[p] for p, _ in near.most_common(CANDIDATES)]
        match = similar_ideas(source.title, older, limit=1)
        if match:
            found.append(MergeSuggestion(source, match[0]))
        if len(found) >= limit:
            break
    return found
