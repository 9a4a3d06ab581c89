"""Erasing a voter from the state machine (memory and TinyDB stores).

What erase promises (``content/pages/privacy.md``): the voter's ideas leave the site (hidden,
with their title, text and author blanked), their votes are withdrawn where still open and
unlinked from them where closed (closed results stay as published), their survey answers keep
only the score, their reward codes stay given out but no longer name them, their champion
grant is removed, and nothing stored afterwards names their voter id.

The operation does not carry the voter id either: it is journaled, so it carries a salted
hash (``erase_hash(salt, voter)``) and the state finds the voter by hashing the ids it holds.
Votes that stay are re-keyed to an id made from the salt, which nobody can link back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pollserver.domain.voters import ERASED_TITLE, erase_hash, erased_id

if TYPE_CHECKING:
    from pollserver.store.memory.state import State

__all__ = ["erase", "voter_ids"]


def voter_ids(state: State) -> set[str]:
    """Return every voter id the state holds."""
    ids: set[str] = set()
    for votes in state.votes.values():
        ids.update(votes)
    ids.update(voter for _, voter in state.voter_ideas)
    ids.update(i.voter_id for i in state.ideas.values() if i.voter_id)
    ids.update(r.voter_id for answers in state.responses.values() for r in answers
               if r.voter_id)
    for claims in state.claims.values():
        ids.update(claims)
    ids.update(state.champions)
    ids.update(state.customers)
    return ids


def _find(state: State, op: dict[str, Any]) -> str | None:
    if "voter" in op:  # journals written before erase carried a hash
        return str(op["voter"])
    salt, target = op["salt"], op["voter_hash"]
    return next((v for v in voter_ids(state) if erase_hash(salt, v) == target), None)


def erase(state: State, op: dict[str, Any]) -> dict[str, int]:
    """Apply an ``erase`` operation; return what was withdrawn or anonymised."""
    counts = {"votes": 0, "idea_votes": 0, "ideas": 0, "responses": 0}
    voter = _find(state, op)
    if voter is None:
        return counts
    state.champions.pop(voter, None)  # early access ends with the identity it was given to
    state.customers.pop(voter, None)  # and so does the brand's word for them
    anon = erased_id(op.get("salt", "x"))
    open_polls, open_jams = set(op["polls"]), set(op["jams"])
    for poll, votes in state.votes.items():
        if voter not in votes:
            continue
        if poll in open_polls:
            counts["votes"] += state.apply({"op": "withdraw", "poll": poll, "voter": voter})
        else:
            votes[anon] = votes.pop(voter)
    for jam, who in list(state.voter_ideas):
        if who != voter:
            continue
        if jam in open_jams:
            for idea_id in list(state.voter_ideas[(jam, voter)]):
                counts["idea_votes"] += state.apply(
                    {"op": "idea-unvote", "jam": jam, "idea": idea_id, "voter": voter})
            state.voter_ideas.pop((jam, voter), None)
        else:
            backed = state.voter_ideas.pop((jam, voter))
            state.voter_ideas[(jam, anon)] = backed
            for idea_id in backed:
                state.idea_voters[idea_id].discard(voter)
                state.idea_voters[idea_id].add(anon)
    erased_ideas = [i for i in state.ideas.values() if i.voter_id == voter]
    for idea in erased_ideas:
        if idea.moderation == "published":
            state.apply({"op": "idea-update", "idea": idea.id,
                         "changes": {"moderation": "hidden"}})
        state.ideas[idea.id] = replace(state.ideas[idea.id], voter_id=None, author=None,
                                       title=ERASED_TITLE, body="", moderation="hidden",
                                       winner=False)
        counts["ideas"] += 1
    for answers in state.responses.values():
        for i, answer in enumerate(answers):
            if answer.voter_id == voter:
                answers[i] = replace(answer, voter_id=None, comment="", consent_to_quote=False)
                state.answered.pop((answer.survey_id, voter), None)
                counts["responses"] += 1
    for claims in state.claims.values():
        if voter in claims:
            claims[anon] = claims.pop(voter)
    targets = {f"idea:{i.id}" for i in erased_ideas}
    _scrub_audit(state, targets)
    _scrub_events(state, targets)
    return counts


#: What an audit entry may hold of a reader's words: a title, and an editor's correction's
#: text before and after (``idea.edit``).
_WORDS = {"title", "before", "after"}


def _scrub_audit(state: State, targets: set[str]) -> None:
    """Drop the erased ideas' words from the audit log (the editors' actions stay)."""
    for n, entry in enumerate(state.audit):
        if entry.target in targets and _WORDS & set(entry.details):
            details = {**entry.details, **{k: None for k in _WORDS & set(entry.details)}}
            if "title" in entry.details:
                details["title"] = ERASED_TITLE
            state.audit[n] = replace(entry, details=details)


def _scrub_events(state: State, targets: set[str]) -> None:
    """Drop the erased ideas' titles from the outbox's events (who was told stays told), and
    the bodies of the webhook tries that carried them (the endpoint log editors read)."""
    touched = set()
    for event in list(state.events.values()):
        if targets.intersection(event.subjects):
            touched.add(event.id)
            if "title" in event.data:
                state.events[event.id] = replace(event, data={**event.data,
                                                              "title": ERASED_TITLE})
    for n, attempt in enumerate(state.attempts):
        if attempt.event_id in touched and attempt.body:
            state.attempts[n] = replace(attempt, body="")
