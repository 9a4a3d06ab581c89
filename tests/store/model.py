"""A tiny independent model of the store's rules, for the model-based test.

A few dicts written from the rules in docs/architecture.md and ``store/base.py``, not the
MemoryStore, so a rule that is wrong in the shared state machine shows up as a disagreement
instead of being copied into the expectation. Errors are raised as the store's error classes.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pollserver.domain.errors import AlreadyVoted, BadRequest, Conflict, NotFound, NoVotesLeft

__all__ = ["Model"]


class Model:
    """The rules, as plainly as they can be written down."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}  # variant, archived, closed
        self.votes: dict[tuple[str, str], tuple[str, ...]] = {}
        self.ideas: list[dict[str, Any]] = []  # index = model idea number
        self.backing: dict[tuple[str, str], set[int]] = {}  # (jam, voter) -> ideas
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.pools: dict[str, list[str]] = {}
        self.next_free: dict[str, int] = {}
        self.claims: dict[str, dict[str, str]] = {}

    # -- items -------------------------------------------------------------------------

    def sync(self, listed: dict[tuple[str, str], int]) -> dict[str, set[tuple[str, str]]]:
        report: dict[str, set[tuple[str, str]]] = {
            "created": set(), "updated": set(), "unchanged": set(), "archived": set()}
        for key, variant in listed.items():
            old = self.items.get(key)
            if old is None:
                report["created"].add(key)
                self.items[key] = {"variant": variant, "archived": False, "closed": None}
            elif (old["variant"], old["archived"]) != (variant, False):
                report["updated"].add(key)
                old.update(variant=variant, archived=False)
            else:
                report["unchanged"].add(key)
        for key, item in self.items.items():
            if key not in listed and not item["archived"]:
                item["archived"] = True
                report["archived"].add(key)
        return report

    def close(self, key: tuple[str, str], at: datetime | None) -> None:
        if key not in self.items:
            raise NotFound("no such item")
        self.items[key]["closed"] = at

    # -- polls -------------------------------------------------------------------------

    def vote(self, poll: str, voter: str, choices: tuple[str, ...], replace: bool) -> Any:
        previous = self.votes.get((poll, voter))
        if previous is not None and not replace:
            raise AlreadyVoted("again")
        self.votes[(poll, voter)] = choices
        return previous

    def tally(self, poll: str) -> tuple[int, dict[str, int]]:
        counts: Counter[str] = Counter()
        total = 0
        for (p, _), choices in self.votes.items():
            if p == poll:
                total += 1
                counts.update(choices)
        return total, dict(counts)

    # -- jams --------------------------------------------------------------------------

    def add_idea(self, jam: str, moderation: str, voter: str | None) -> int:
        self.ideas.append({"jam": jam, "moderation": moderation, "status": "open",
                           "merged_into": None, "voter": voter})
        return len(self.ideas) - 1

    def mine(self, jam: str, voter: str) -> set[int]:
        return self.backing.setdefault((jam, voter), set())

    def votes_for(self, n: int) -> int:
        return sum(n in ideas for ideas in self.backing.values())

    def vote_idea(self, jam: str, n: int, voter: str, budget: int) -> None:
        idea = self.ideas[n]
        if idea["jam"] != jam:
            raise NotFound("other jam")
        if idea["moderation"] != "published" or idea["status"] == "merged":
            raise Conflict("closed")
        mine = self.mine(jam, voter)
        if n in mine:
            raise AlreadyVoted("again")
        if budget and len(mine) >= budget:
            raise NoVotesLeft("spent")
        mine.add(n)

    def unvote_idea(self, jam: str, n: int, voter: str) -> bool:
        if self.ideas[n]["jam"] != jam:
            raise NotFound("other jam")
        mine = self.mine(jam, voter)
        if n not in mine:
            return False
        mine.discard(n)
        return True

    def moderate(self, n: int, moderation: str) -> None:
        idea = self.ideas[n]
        if idea["moderation"] == "published" and moderation != "published":
            for (jam, _), mine in self.backing.items():  # hiding hands the votes back
                if jam == idea["jam"]:
                    mine.discard(n)
        idea["moderation"] = moderation

    def merge(self, source: int, target: int) -> None:
        s, t = self.ideas[source], self.ideas[target]
        if source == target or s["jam"] != t["jam"] or t["status"] == "merged":
            raise BadRequest("no")
        for (jam, _), mine in self.backing.items():
            if jam == s["jam"] and source in mine:
                mine.discard(source)
                mine.add(target)  # backing both counts once
        s.update(status="merged", merged_into=target)

    # -- surveys and rewards -----------------------------------------------------------

    def answer(self, survey: str, voter: str | None, score: int, comment: str) -> None:
        answers = self.responses.setdefault(survey, [])
        if voter is not None and any(a["voter"] == voter for a in answers):
            raise AlreadyVoted("again")
        answers.append({"voter": voter, "score": score, "comment": comment})

    def add_codes(self, pool: str, codes: list[str]) -> int:
        held = self.pools.setdefault(pool, [])
        fresh = [c for c in dict.fromkeys(codes) if c not in held]
        held.extend(fresh)
        return len(fresh)

    def claim(self, pool: str, voter: str) -> str | None:
        claims = self.claims.setdefault(pool, {})
        if voter in claims:
            return claims[voter]
        held, index = self.pools.setdefault(pool, []), self.next_free.get(pool, 0)
        if index >= len(held):
            return None
        claims[voter] = held[index]
        self.next_free[pool] = index + 1
        return held[index]

    def revoke(self, pool: str) -> int:
        held, index = self.pools.setdefault(pool, []), self.next_free.get(pool, 0)
        removed = len(held) - index
        del held[index:]
        return removed

    def pool_stats(self) -> dict[str, tuple[int, int]]:
        return {pool: (len(held), len(self.claims.get(pool, {})))
                for pool, held in self.pools.items() if held}

    # -- voters ------------------------------------------------------------------------

    def erase(self, voter: str, polls: list[str], jams: list[str]) -> dict[str, int]:
        """What the privacy page promises: votes withdrawn where open and unlinked where
        closed, the voter's ideas off the site (their backers get the votes back), answers
        without their words, codes still given out but no longer naming the voter."""
        counts = {"votes": 0, "idea_votes": 0, "ideas": 0, "responses": 0}
        self.erasures = getattr(self, "erasures", 0) + 1
        anon = f"~erased-{self.erasures}"  # nobody can link it back to the voter
        for key in [k for k in self.votes if k[1] == voter]:
            choices = self.votes.pop(key)
            if key[0] in polls:
                counts["votes"] += 1
            else:
                self.votes[(key[0], anon)] = choices
        for key in [k for k in self.backing if k[1] == voter]:
            mine = self.backing.pop(key)
            if key[0] in jams:
                counts["idea_votes"] += len(mine)
            else:
                self.backing[(key[0], anon)] = mine
        for n, idea in enumerate(self.ideas):
            if idea["voter"] == voter:
                self.moderate(n, "hidden")
                idea["voter"] = None
                counts["ideas"] += 1
        for answers in self.responses.values():
            for answer in answers:
                if answer["voter"] == voter:
                    answer.update(voter=None, comment="")
                    counts["responses"] += 1
        for claims in self.claims.values():
            if voter in claims:
                claims[anon] = claims.pop(voter)
        return counts
