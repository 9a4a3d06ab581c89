"""Champion points: earned only from what *others* did, never from what an author did alone.

An address spamming ideas once earned a point per idea (+30 in 16 seconds). Now an idea on
its own is worth nothing; points come from named **sources**, each a function from the
counted ideas to credits:

- ``votes``: each distinct voter backing a published idea, not its author's own cookie, 1
  point; one voter gives one author at most ``VOTER_CAP`` points in all (the store keeps who
  backs what, not when on every backend, so the cap is per voter and author, not per day:
  a stricter form of a daily cap);
- ``wins``: each published winning idea, 5 points (an editor picked it);
- ``status``: each published idea an editor moved to a status meaning ``active`` or ``done``,
  3 points.

Only published ideas count, so an idea an editor rejects or hides takes all its points back
(its votes, win and status included) the moment it leaves the list. A new source (say
"friends brought") is one more function added to ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pollserver.domain.records import Idea
from pollserver.domain.statuses import DEFAULT_STATUSES

__all__ = ["POINTS_STATUS", "POINTS_VOTE", "POINTS_WIN", "SOURCES", "VOTER_CAP", "Credit",
           "Facts", "points_of"]

POINTS_VOTE, POINTS_WIN, POINTS_STATUS = 1, 5, 3
#: The most points one voter can give one author.
VOTER_CAP = 3
#: Status meanings that show an editor took an idea up.
TAKEN_UP = ("active", "done")


@dataclass(frozen=True)
class Facts:
    """What the sources may read besides the ideas: who backs which idea, status meanings."""

    voters: Mapping[str, set[str]]
    meanings: Mapping[str, str]

    @classmethod
    def default(cls, voters: Mapping[str, set[str]] | None = None) -> Facts:
        return cls(voters or {}, {s.key: s.meaning for s in DEFAULT_STATUSES})


@dataclass(frozen=True)
class Credit:
    """Points for one idea from one source."""

    idea: Idea
    source: str
    points: int


def _votes(ideas: list[Idea], facts: Facts) -> Iterable[Credit]:
    given: dict[tuple[str, str], int] = {}
    for idea in ideas:
        for voter in sorted(facts.voters.get(idea.id, ())):
            if voter == idea.voter_id:
                continue  # an author's own vote is not someone else's
            key = (voter, (idea.author or "").casefold())
            if given.get(key, 0) >= VOTER_CAP:
                continue
            given[key] = given.get(key, 0) + POINTS_VOTE
            yield Credit(idea, "votes", POINTS_VOTE)


def _wins(ideas: list[Idea], facts: Facts) -> Iterable[Credit]:
    return (Credit(i, "wins", POINTS_WIN) for i in ideas if i.winner)


def _status(ideas: list[Idea], facts: Facts) -> Iterable[Credit]:
    return (Credit(i, "status", POINTS_STATUS) for i in ideas
            if facts.meanings.get(i.status) in TAKEN_UP)


SOURCES: dict[str, Callable[[list[Idea], Facts], Iterable[Credit]]] = {
    "votes": _votes, "wins": _wins, "status": _status,
}


def points_of(ideas: Iterable[Idea], facts: Facts) -> dict[str, int]:
    """Return idea id -> points, from every source, for the published ideas only."""
    counted = [i for i in ideas if i.moderation == "published"]
    points = {i.id: 0 for i in counted}
    for source in SOURCES.values():
        for credit in source(counted, facts):
            points[credit.idea.id] += credit.points
    return points
