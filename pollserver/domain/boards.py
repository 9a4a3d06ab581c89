"""Boards: jams that never close, whose vote budget refreshes as ideas are finished.

Board rule. A jam block without ``closes`` is a *board* (the permanent "what should we
improve?"): it has no phases (``vote_from`` is refused without ``closes``, see
``domain/specs.py``), ideas and votes are taken until an editor closes it, and ideas move
through the site's statuses as on the roadmap. A vote for an idea that is finished (a status
meaning ``done`` or ``closed``: shipped or declined) still counts for that idea, but no longer
for the reader's budget: the vote comes back to spend on another idea. A finished idea takes
no new votes on a board (otherwise a vote for it would cost nothing).

A jam with ``closes`` keeps the jam rule: every vote counts against the budget until it closes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pollserver.domain.errors import Conflict
from pollserver.domain.records import Idea
from pollserver.domain.specs import JamSpec
from pollserver.domain.statuses import Status

__all__ = ["budget_for", "check_board_vote", "finished_keys", "is_board", "votes_left_on"]

FINISHED_MEANINGS = frozenset({"done", "closed"})


def is_board(spec: JamSpec) -> bool:
    """Return whether the jam is a board: it has no closing date."""
    return spec.closes is None


def finished_keys(statuses: Iterable[Status]) -> frozenset[str]:
    """Return the status keys whose meaning finishes an idea (done or declined)."""
    return frozenset(s.key for s in statuses if s.meaning in FINISHED_MEANINGS)


def _refunded(spec: JamSpec, mine: Iterable[str], ideas: Mapping[str, Idea],
              finished: frozenset[str]) -> int:
    if not is_board(spec):
        return 0
    return sum(1 for idea_id in mine
               if (idea := ideas.get(idea_id)) is not None and idea.status in finished)


def budget_for(spec: JamSpec, mine: Iterable[str], ideas: Mapping[str, Idea],
               finished: frozenset[str]) -> int:
    """Return the budget to hand the store for the reader's next vote (0 = unlimited).

    The store refuses a vote when the reader holds ``budget`` votes in the jam; on a board the
    votes on finished ideas are added to the budget, which hands them back. Finished ideas only
    grow, so a budget read a moment early can refuse a vote, never allow one too many.
    """
    if spec.votes_per_person == 0:
        return 0
    return spec.votes_per_person + _refunded(spec, mine, ideas, finished)


def votes_left_on(spec: JamSpec, mine: Iterable[str], ideas: Mapping[str, Idea],
                  finished: frozenset[str]) -> int | None:
    """Return the votes the reader can still spend (``None``: unlimited)."""
    mine = list(mine)
    if spec.votes_per_person == 0:
        return None
    return max(0, budget_for(spec, mine, ideas, finished) - len(mine))


def check_board_vote(spec: JamSpec, idea: Idea, finished: frozenset[str]) -> None:
    """Refuse a new vote for a finished idea on a board (``Conflict``)."""
    if is_board(spec) and idea.status in finished:
        raise Conflict("This idea is finished, so it takes no more votes; "
                       "spend your vote on another idea.")
