"""Taking part in an idea jam: submit an idea, vote for one, take a vote back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pollserver.actions.names import check_display_name
from pollserver.actions.rewards import claim_reward
from pollserver.actions.voters import RewardGate, VoterSource, any_reward
from pollserver.domain import boards, events, jams
from pollserver.domain.errors import NotFound, NoVotesLeft
from pollserver.domain.records import Idea, Item
from pollserver.domain.specs import JamSpec
from pollserver.store.base import Store
from pollserver.store.roadmap import site_statuses

__all__ = ["HONEYPOT", "IdeaSubmitted", "IdeaUnvoted", "IdeaVoted", "submit_idea",
           "unvote_idea", "vote_idea"]

#: Form field that catches bots: people never see it, so anything in it is a robot's.
HONEYPOT = "website"


@dataclass(frozen=True)
class IdeaSubmitted:
    """An idea was taken (``idea`` is ``None`` when a robot filled the honeypot: nothing kept)."""

    jam_id: str
    idea: Idea | None
    clean: jams.IdeaInput
    moderation: str  # published, or pending under pre-moderation
    similar: list[Idea]


@dataclass(frozen=True)
class IdeaVoted:
    """One of the voter's votes went to an idea."""

    jam_id: str
    idea_id: str
    voter: str


@dataclass(frozen=True)
class IdeaUnvoted:
    """A vote was taken back (``taken`` is false when there was none to take)."""

    jam_id: str
    idea_id: str
    voter: str | None
    taken: bool


def submit_idea(store: Store, item: Item, spec: JamSpec, voter: VoterSource, *, title: object,
                body: object, author: object, robot: bool, at: datetime,
                reward: RewardGate = any_reward,
                hold: Callable[[], bool] | None = None) -> IdeaSubmitted:
    """Store a reader's idea: published at once, or pending under pre-moderation (the jam's
    ``moderation: pre``, a new voter's first idea under ``moderation: first``, or ``hold()``,
    asked once the voter is known: a plain form, a suspect new voter or an item under a
    burst, which the web layer decides)."""
    jams.check_can_submit(jams.jam_state(spec, item.closed_at, at, archived=item.archived))
    clean = jams.validate_idea(title, body or "", author)
    check_display_name(store, clean.author)
    moderation = "pending" if spec.moderation == "pre" else "published"
    similar = jams.similar_ideas(clean.title, store.list_ideas(spec.id))
    if robot:
        # A robot filled the hidden field: look successful, keep nothing.
        return IdeaSubmitted(spec.id, None, clean, moderation, similar)
    who = voter()
    if hold is not None and hold():
        moderation = "pending"
    elif spec.moderation == "first" and not _has_published(store, spec.id, who):
        moderation = "pending"
    created = events.idea_created(spec.id, clean.title, moderation, at=at)
    idea = store.emit(created).add_idea(spec.id, title=clean.title, body=clean.body,
                                        author=clean.author, voter_id=who,
                                        moderation=moderation, at=at)
    if spec.reward and moderation == "published" and reward(store, spec.reward, who):
        claim_reward(store, spec.reward, who, at=at)
    return IdeaSubmitted(spec.id, idea, clean, moderation, similar)


def _has_published(store: Store, jam_id: str, voter: str) -> bool:
    """Tell whether the voter has an idea in this jam that an editor let through already."""
    return any(idea.voter_id == voter and idea.moderation == "published"
               for idea in store.list_ideas(jam_id))


def _votable(store: Store, item: Item, spec: JamSpec, idea_id: str, at: datetime) -> Idea:
    idea = store.get_idea(idea_id)
    if idea is None or idea.jam_id != spec.id:
        raise NotFound(f"There is no idea {idea_id[:20]!r} in this jam.")
    jams.check_can_vote(jams.jam_state(spec, item.closed_at, at, archived=item.archived))
    return idea


def _budget(store: Store, spec: JamSpec, idea: Idea, who: str) -> int:
    """The budget for this vote: on a board, votes on finished ideas come back."""
    if not boards.is_board(spec) or spec.votes_per_person == 0:
        return spec.votes_per_person
    finished = boards.finished_keys(site_statuses(store))
    boards.check_board_vote(spec, idea, finished)
    mine = store.idea_votes_of(spec.id, who)
    ideas = {i: found for i in mine if (found := store.get_idea(i)) is not None}
    return boards.budget_for(spec, mine, ideas, finished)


def vote_idea(store: Store, item: Item, spec: JamSpec, idea_id: str, voter: VoterSource, *,
              at: datetime, reward: RewardGate = any_reward) -> IdeaVoted:
    """Spend one of the voter's votes on an idea (within the jam's budget)."""
    idea = _votable(store, item, spec, idea_id, at)
    who = voter()
    budget = _budget(store, spec, idea, who)
    try:
        store.vote_idea(spec.id, idea_id, who, budget=budget, at=at)
    except NoVotesLeft:
        if budget == spec.votes_per_person:
            raise
        # The store counts the votes that came back; the reader knows their own budget.
        raise NoVotesLeft(f"You have used all {spec.votes_per_person} of your votes on this "
                          "board; one comes back when an idea you voted for is done or "
                          "declined.") from None
    if spec.reward and reward(store, spec.reward, who):
        claim_reward(store, spec.reward, who, at=at)
    return IdeaVoted(spec.id, idea_id, who)


def unvote_idea(store: Store, item: Item, spec: JamSpec, idea_id: str, voter: str | None, *,
                at: datetime) -> IdeaUnvoted:
    """Take back the voter's vote for an idea, if they gave one."""
    _votable(store, item, spec, idea_id, at)
    taken = bool(voter) and store.unvote_idea(spec.id, idea_id, voter or "")
    return IdeaUnvoted(spec.id, idea_id, voter, taken)
