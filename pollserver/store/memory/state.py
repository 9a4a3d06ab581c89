"""The in-memory state machine behind the memory and TinyDB stores.

Every change is a plain JSON-able *operation* (``{"op": "vote", ...}``) applied by
:meth:`State.apply`. Applying checks the rules first and mutates only if they hold, so an
operation either happens completely or raises. Operations are deterministic (ids come from
counters in the state, times from the operation), which is what lets the TinyDB store journal
them and replay the journal after a crash to the very same state.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from pollserver.domain.errors import AlreadyVoted, BadRequest, Conflict, NotFound, NoVotesLeft
from pollserver.domain.records import (
    IDEA_CHANGES,
    AuditEntry,
    Idea,
    Item,
    SurveyResponse,
    SyncReport,
)
from pollserver.store.memory import erasure
from pollserver.store.memory.champions import ChampionState
from pollserver.store.memory.customers import CustomerState
from pollserver.store.memory.roadmap import RoadmapState
from pollserver.store.memory.shares import ShareState
from pollserver.store.memory.tokens import TokenState
from pollserver.store.memory.webhooks import WebhookState

__all__ = ["OPERATIONS", "State"]

#: Operations that can change what a jam's idea list shows (see :meth:`State.jam_version`).
_JAM_OPS = {"idea", "idea-vote", "idea-unvote", "idea-update", "merge", "erase"}
#: Tells every State object apart, so a version from a replaced state never matches.
_STATE_IDS = itertools.count(1)


def _at(value: str) -> datetime:
    """Read an operation's required timestamp."""
    return datetime.fromisoformat(value)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class State(WebhookState, RoadmapState, ChampionState, ShareState, TokenState, CustomerState):
    """Everything pollserver knows, indexed for O(1) votes and reads."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self.votes: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.ideas: dict[str, Idea] = {}
        self.jam_ideas: dict[str, list[str]] = defaultdict(list)
        self.idea_voters: dict[str, set[str]] = defaultdict(set)
        self.voter_ideas: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.responses: dict[str, list[SurveyResponse]] = defaultdict(list)
        #: Each voter's answer by (survey, voter): one lookup, not a scan of every answer.
        self.answered: dict[tuple[str, str], SurveyResponse] = {}
        self.pools: dict[str, list[str]] = defaultdict(list)
        self.claims: dict[str, dict[str, str]] = defaultdict(dict)
        self.next_free: dict[str, int] = defaultdict(int)
        self.admins: dict[str, str] = {}
        self.audit: list[AuditEntry] = []
        #: Live editor sessions: hash of the session id -> (username, signed in at).
        self.editor_sessions: dict[str, tuple[str, str]] = {}
        self.seq = 0
        # Change counters behind jam_version(): one per jam, plus one for every jam at once.
        self.state_id = next(_STATE_IDS)
        self.jam_changes: dict[str, int] = {}
        self.all_jam_changes = 0
        self.init_outbox()
        self.init_roadmap()
        self.init_webhooks()
        self.init_champions()
        self.init_shares()
        self.init_tokens()
        self.init_customers()

    # -- applying ----------------------------------------------------------------------

    def apply(self, op: dict[str, Any]) -> Any:
        """Apply one operation and return its result; raise a DomainError and change nothing
        when a rule does not hold."""
        handler = OPERATIONS.get(op["op"])
        if handler is None:
            raise BadRequest(f"unknown operation {op['op']!r}")
        if op["op"] not in _JAM_OPS:
            result = handler(self, op)
        else:
            try:
                result = handler(self, op)
            finally:  # counted even when it raised: a cache must never outlive a change
                self._jam_changed(op)
        if op.get("events"):  # the change happened: its events are part of the same step
            self.record_events(op["events"], result)
        return result

    def _jam_changed(self, op: dict[str, Any]) -> None:
        if op["op"] == "erase":
            self.all_jam_changes += 1
            return
        jam = op.get("jam")
        if jam is None:
            idea = self.ideas.get(str(op.get("idea", op.get("source"))))
            if idea is None:
                return
            jam = idea.jam_id
        self.jam_changes[jam] = self.jam_changes.get(jam, 0) + 1

    def jam_version(self, jam_id: str) -> tuple[int, int, int]:
        """Return a value that changes whenever the jam's ideas, votes or authors change."""
        return (self.state_id, self.jam_changes.get(jam_id, 0), self.all_jam_changes)

    def _op_sync(self, op: dict[str, Any]) -> SyncReport:
        report = SyncReport()
        seen = set()
        for raw in op["items"]:
            key = (raw["kind"], raw["id"])
            seen.add(key)
            new = Item(kind=raw["kind"], id=raw["id"], spec=raw["spec"], source=raw["source"],
                       url=raw["url"], archived=False)
            old = self.items.get(key)
            label = f"{raw['kind']}:{raw['id']}"
            if old is None:
                report.created.append(label)
                self.items[key] = new
            elif (old.spec, old.source, old.url, old.archived) != (
                    new.spec, new.source, new.url, False):
                report.updated.append(label)
                self.items[key] = replace(new, closed_at=old.closed_at)
            else:
                report.unchanged.append(label)
        for key, item in list(self.items.items()):
            if key not in seen and not item.archived:
                self.items[key] = replace(item, archived=True)
                report.archived.append(f"{key[0]}:{key[1]}")
        return report

    def _op_close(self, op: dict[str, Any]) -> None:
        item = self._item(op["kind"], op["id"])
        self.items[(item.kind, item.id)] = replace(item, closed_at=_ts(op["closed_at"]))

    def _op_vote(self, op: dict[str, Any]) -> tuple[str, ...] | None:
        poll, voter, choices = op["poll"], op["voter"], tuple(op["choices"])
        previous = self.votes[poll].get(voter)
        if previous is not None and not op["replace"]:
            raise AlreadyVoted("You have already voted in this poll.")
        counts = self.counts[poll]
        for key in previous or ():
            counts[key] -= 1
        for key in choices:
            counts[key] += 1
        self.votes[poll][voter] = choices
        return previous

    def _op_withdraw(self, op: dict[str, Any]) -> bool:
        previous = self.votes[op["poll"]].pop(op["voter"], None)
        for key in previous or ():
            self.counts[op["poll"]][key] -= 1
        return previous is not None

    def _op_idea(self, op: dict[str, Any]) -> Idea:
        self.seq += 1
        idea = Idea(id=str(self.seq), jam_id=op["jam"], title=op["title"], body=op["body"],
                    author=op["author"], voter_id=op["voter"], created_at=_at(op["at"]),
                    moderation=op["moderation"])
        self.ideas[idea.id] = idea
        self.jam_ideas[idea.jam_id].append(idea.id)
        return idea

    def _op_idea_vote(self, op: dict[str, Any]) -> None:
        idea = self._idea(op["idea"], op["jam"])
        if idea.moderation != "published" or idea.status == "merged":
            raise Conflict("This idea is not open for votes.")
        mine = self.voter_ideas[(idea.jam_id, op["voter"])]
        if idea.id in mine:
            raise AlreadyVoted("You have already voted for this idea.")
        if op["budget"] and len(mine) >= op["budget"]:
            raise NoVotesLeft(f"You have used all {op['budget']} of your votes in this jam.")
        mine.add(idea.id)
        self.idea_voters[idea.id].add(op["voter"])

    def _op_idea_unvote(self, op: dict[str, Any]) -> bool:
        idea = self._idea(op["idea"], op["jam"])
        mine = self.voter_ideas[(idea.jam_id, op["voter"])]
        if idea.id not in mine:
            return False
        mine.discard(idea.id)
        self.idea_voters[idea.id].discard(op["voter"])
        return True

    def _op_idea_update(self, op: dict[str, Any]) -> Idea:
        idea = self._idea(op["idea"])
        changes = op["changes"]
        unknown = set(changes) - set(IDEA_CHANGES)
        if unknown:
            raise BadRequest(f"cannot change {sorted(unknown)[0]!r} of an idea")
        if idea.moderation == "published" and changes.get("moderation", "published") != "published":
            # Hiding or rejecting an idea hands its votes back for the voters to spend again.
            for voter in self.idea_voters.pop(idea.id, set()):
                self.voter_ideas[(idea.jam_id, voter)].discard(idea.id)
        if "topics" in changes:  # a journal replays JSON lists
            changes = {**changes, "topics": tuple(changes["topics"])}
        self.ideas[idea.id] = replace(idea, **changes)
        if changes.get("status", idea.status) != idea.status:
            self.record_status(idea.id, changes["status"], op.get("at"), op.get("note", ""))
        return self.idea(idea.id)

    def _op_merge(self, op: dict[str, Any]) -> Idea:
        source, target = self._idea(op["source"]), self._idea(op["target"])
        if source.id == target.id or source.jam_id != target.jam_id:
            raise BadRequest("an idea can only be merged into another idea of the same jam")
        if target.status == "merged":
            raise BadRequest("cannot merge into an idea that was itself merged")
        for voter in self.idea_voters.pop(source.id, set()):
            mine = self.voter_ideas[(source.jam_id, voter)]
            mine.discard(source.id)
            # A voter who backed both keeps one vote (on the target) and gets the other back.
            if target.id not in mine:
                mine.add(target.id)
                self.idea_voters[target.id].add(voter)
        self.ideas[source.id] = replace(source, status="merged", merged_into=target.id,
                                        winner=False)
        return self.idea(target.id)

    def _op_response(self, op: dict[str, Any]) -> SurveyResponse:
        answers = self.responses[op["survey"]]
        if op["voter"] and (op["survey"], op["voter"]) in self.answered:
            raise AlreadyVoted("You have already answered this survey.")
        self.seq += 1
        response = SurveyResponse(
            id=str(self.seq), survey_id=op["survey"], voter_id=op["voter"], score=op["score"],
            category=op["category"], comment=op["comment"],
            consent_to_quote=op["consent"], created_at=_at(op["at"]))
        answers.append(response)
        if response.voter_id:
            self.answered[(response.survey_id, response.voter_id)] = response
        return response

    def _op_codes(self, op: dict[str, Any]) -> int:
        pool = self.pools[op["pool"]]
        known = set(pool)
        fresh = [c for c in dict.fromkeys(op["codes"]) if c and c not in known]
        pool.extend(fresh)
        return len(fresh)

    def _op_claim(self, op: dict[str, Any]) -> str | None:
        claims = self.claims[op["pool"]]
        if op["voter"] in claims:
            return claims[op["voter"]]
        pool, index = self.pools[op["pool"]], self.next_free[op["pool"]]
        if index >= len(pool):
            return None
        claims[op["voter"]] = pool[index]
        self.next_free[op["pool"]] = index + 1
        return pool[index]

    def _op_revoke(self, op: dict[str, Any]) -> int:
        pool, index = self.pools[op["pool"]], self.next_free[op["pool"]]
        removed = len(pool) - index
        del pool[index:]
        return removed

    def _op_admin(self, op: dict[str, Any]) -> None:
        self.admins[op["username"]] = op["hash"]

    def _op_editor_session(self, op: dict[str, Any]) -> None:
        self.editor_sessions[op["session"]] = (op["username"], op["at"])

    def _op_editor_session_revoke(self, op: dict[str, Any]) -> int:
        if op.get("session") is not None:
            return 1 if self.editor_sessions.pop(op["session"], None) else 0
        doomed = [key for key, (name, _) in self.editor_sessions.items()
                  if name == op.get("username")]
        for key in doomed:
            del self.editor_sessions[key]
        return len(doomed)

    def _op_audit(self, op: dict[str, Any]) -> None:
        self.audit.append(AuditEntry(at=_at(op["at"]), actor=op["actor"], action=op["action"],
                                     target=op["target"], details=op["details"]))

    def _op_erase(self, op: dict[str, Any]) -> dict[str, int]:
        return erasure.erase(self, op)

    # -- reading -----------------------------------------------------------------------

    def _item(self, kind: str, item_id: str) -> Item:
        item = self.items.get((kind, item_id))
        if item is None:
            raise NotFound(f"No {kind} called {item_id!r}.")
        return item

    def _idea(self, idea_id: str, jam_id: str | None = None) -> Idea:
        idea = self.ideas.get(str(idea_id))
        if idea is None or (jam_id is not None and idea.jam_id != jam_id):
            raise NotFound(f"No idea {idea_id!r} in this jam.")
        return idea

    def idea(self, idea_id: str) -> Idea:
        """Return the idea with its current vote count."""
        idea = self._idea(idea_id)
        return replace(idea, votes=len(self.idea_voters.get(idea.id, ())))

    def voter_data(self, voter: str) -> dict[str, Any]:
        """Collect what is stored about one voter."""
        return {
            "votes": {p: list(v[voter]) for p, v in self.votes.items() if voter in v},
            "idea_votes": {jam: sorted(ids, key=int) for (jam, who), ids in
                           self.voter_ideas.items() if who == voter and ids},
            "ideas": [{"id": i.id, "jam": i.jam_id, "title": i.title, "body": i.body,
                       "author": i.author, "created_at": i.created_at.isoformat()}
                      for i in self.ideas.values() if i.voter_id == voter],
            "responses": [{"survey": r.survey_id, "score": r.score, "comment": r.comment,
                           "created_at": r.created_at.isoformat()}
                          for answers in self.responses.values() for r in answers
                          if r.voter_id == voter],
            "rewards": {pool: c[voter] for pool, c in self.claims.items() if voter in c},
        }


#: Every operation a journal line may hold, and the method that applies it: the one table to
#: read (and the one line to add) for an operation. ``MemoryStore`` commits them.
OPERATIONS: dict[str, Callable[[State, dict[str, Any]], Any]] = {
    # items, polls, jams, surveys, rewards, editors, voters (this module)
    "sync": State._op_sync, "close": State._op_close,
    "vote": State._op_vote, "withdraw": State._op_withdraw,
    "idea": State._op_idea, "idea-vote": State._op_idea_vote,
    "idea-unvote": State._op_idea_unvote, "idea-update": State._op_idea_update,
    "merge": State._op_merge,
    "response": State._op_response,
    "codes": State._op_codes, "claim": State._op_claim, "revoke": State._op_revoke,
    "admin": State._op_admin, "audit": State._op_audit,
    "editor-session": State._op_editor_session,
    "editor-session-revoke": State._op_editor_session_revoke,
    "erase": State._op_erase,
    # the outbox: events, follows, feed tokens, deliveries (outbox.py)
    "events": State._op_events, "follow-request": State._op_follow_request,
    "follow-confirm": State._op_follow_confirm, "unsubscribe": State._op_unsubscribe,
    "follow-erase": State._op_follow_erase, "follow-purge": State._op_follow_purge,
    "feed-token": State._op_feed_token,
    "delivery-claim": State._op_delivery_claim, "delivery-finish": State._op_delivery_finish,
    # webhook endpoints and attempts (webhooks.py)
    "webhook-add": State._op_webhook_add, "webhook-set": State._op_webhook_set,
    "webhook-delete": State._op_webhook_delete, "webhook-attempt": State._op_webhook_attempt,
    "webhook-resend": State._op_webhook_resend, "webhook-test": State._op_webhook_test,
    # champion grants and profile rules (champions.py)
    "champion-grant": State._op_champion_grant, "champion-revoke": State._op_champion_revoke,
    "profile-rule": State._op_profile_rule,
    # share tokens and credits (shares.py)
    "share-token": State._op_share_token, "share-credit": State._op_share_credit,
    "share-erase": State._op_share_erase,
    # editor API tokens (tokens.py)
    "token-add": State._op_token_add, "token-revoke": State._op_token_revoke,
    # verified customers (customers.py)
    "verify": State._op_verify,
}
