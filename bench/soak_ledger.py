"""The soak test's client-side ledger: what the server acknowledged, and the final check.

Every write the server answered with success is *acknowledged* and must be in the store at
the end, exactly. A write whose answer never came (the server was killed mid-request) is
*uncertain*: it may or may not have landed, and the check finds out which, so the totals
still match exactly: store total = acknowledged + uncertain ones that landed, nothing else.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pollserver.store.base import Store

__all__ = ["Ledger", "POLL", "JAM", "SURVEY"]

POLL, JAM, SURVEY = "soak", "soak-jam", "soak-survey"


@dataclass
class Ledger:
    """Acknowledged and uncertain writes, by kind; thread-safe."""

    votes: dict[str, str] = field(default_factory=dict)  # voter -> choice
    ideas: dict[str, str] = field(default_factory=dict)  # idea id -> title
    authors: dict[str, str] = field(default_factory=dict)  # idea id -> author's voter id
    idea_votes: dict[str, str] = field(default_factory=dict)  # voter -> idea id
    answers: set[str] = field(default_factory=set)  # voters
    erased: set[str] = field(default_factory=set)  # voters whose erase was acknowledged
    uncertain: dict[str, set[str]] = field(default_factory=lambda: {
        "vote": set(), "idea-vote": set(), "answer": set(), "erase": set()})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, kind: str, voter: str, value: Any = None) -> None:
        with self.lock:
            if kind == "vote":
                self.votes[voter] = value
            elif kind == "idea":
                self.ideas[value[0]] = value[1]
                self.authors[value[0]] = voter
            elif kind == "idea-vote":
                self.idea_votes[voter] = value
            elif kind == "answer":
                self.answers.add(voter)
            elif kind == "erase":
                self.erased.add(voter)

    def unsure(self, kind: str, voter: str) -> None:
        with self.lock:
            if kind in self.uncertain:
                self.uncertain[kind].add(voter)

    def writes(self) -> int:
        return len(self.votes) + len(self.ideas) + len(self.idea_votes) + len(self.answers) \
            + len(self.erased)

    def check(self, store: Store) -> list[str]:
        """Compare the store with the ledger; return the differences (none = exact)."""
        problems: list[str] = []
        erased = self.erased | {v for v in self.uncertain["erase"] if _gone(store, v)}
        expected: Counter[str] = Counter()
        for voter, choice in self.votes.items():
            got = store.vote_of(POLL, voter)
            if voter in erased:
                if got is not None and voter in self.erased:
                    problems.append(f"erased voter {voter[:8]} still has a vote")
                continue
            if got != (choice,):
                problems.append(f"acknowledged vote of {voter[:8]} is {got}, not {choice}")
            expected[choice] += 1
        for voter in self.uncertain["vote"] - set(self.votes):
            got = store.vote_of(POLL, voter)
            if got is not None:
                expected[got[0]] += 1
        tally = store.tally(POLL)
        if tally.total != sum(expected.values()) or dict(tally.counts) != dict(+expected):
            problems.append(f"poll tally {tally.total} {dict(tally.counts)} != ledger "
                            f"{sum(expected.values())} {dict(+expected)}")
        ideas = {idea.id: idea for idea in store.list_ideas(JAM)}
        # An erased author's ideas leave the site and their votes go back to the voters.
        withdrawn = {i for i, author in self.authors.items() if author in erased}
        for idea_id, title in self.ideas.items():
            if idea_id in withdrawn:
                if idea_id in ideas and ideas[idea_id].moderation != "hidden":
                    problems.append(f"idea {idea_id} of an erased author is still shown")
            elif idea_id not in ideas or ideas[idea_id].title != title:
                problems.append(f"acknowledged idea {idea_id} is missing")
        backing: Counter[str] = Counter()
        for voter, idea_id in self.idea_votes.items():
            held = store.idea_votes_of(JAM, voter)
            if voter in erased or idea_id in withdrawn:
                continue
            if idea_id not in held:
                problems.append(f"acknowledged idea vote of {voter[:8]} is missing")
            backing[idea_id] += 1
        for voter in self.uncertain["idea-vote"] - set(self.idea_votes):
            for idea_id in store.idea_votes_of(JAM, voter):
                if idea_id not in withdrawn:
                    backing[idea_id] += 1
        got_backing = {i: idea.votes for i, idea in ideas.items() if idea.votes}
        if got_backing != dict(+backing):
            problems.append(f"idea votes {sum(got_backing.values())} != ledger "
                            f"{sum(backing.values())}")
        responses = store.list_responses(SURVEY)
        voters = {r.voter_id for r in responses}
        missing = {v for v in self.answers if v not in voters and v not in erased}
        if missing:
            problems.append(f"{len(missing)} acknowledged answers are missing")
        landed = {v for v in self.uncertain["answer"] - self.answers if v in voters}
        anonymous = sum(r.voter_id is None for r in responses)
        if len(responses) - anonymous != len(voters - {None}) or \
                len(responses) < len(self.answers) or \
                len(responses) > len(self.answers) + len(self.uncertain["answer"]):
            problems.append(f"{len(responses)} answers stored for {len(self.answers)} "
                            f"acknowledged (+{len(landed)} uncertain that landed)")
        return problems


def _gone(store: Store, voter: str) -> bool:
    """Did an uncertain erase land (nothing left under the voter id)?"""
    data = store.voter_data(voter)
    return not any(data[key] for key in ("votes", "idea_votes", "ideas", "responses"))
