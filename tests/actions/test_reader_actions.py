"""Reader actions without Flask: store, time and voter in, what happened out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pollserver.actions import jams, me, polls, surveys
from pollserver.domain.errors import InvalidChoice, ItemNotOpen
from pollserver.store.memory import MemoryStore
from tests.conftest import make_item

AT = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


class Voters:
    """A voter source that counts the receipts it issues."""

    def __init__(self) -> None:
        self.issued = 0

    def __call__(self) -> str:
        self.issued += 1
        return f"voter-{self.issued}"


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    store.sync_items([
        make_item("poll", id="p", question="Q?", options=["a", "b"],
                  opens="2026-06-01T00:00:00Z", closes="2026-06-05T00:00:00Z"),
        make_item("jam", id="j", title="Ideas", prompt="Tell us", votes_per_person=2),
        make_item("survey", id="s", question="How likely?"),
    ])
    return store


def _loaded(store: MemoryStore, kind: str, item_id: str):
    from pollserver.domain.kinds import spec_from_manifest

    item = store.get_item(kind, item_id)
    return item, spec_from_manifest(kind, item.spec)


def test_a_vote_says_what_happened(store):
    item, spec = _loaded(store, "poll", "p")
    done = polls.vote(store, item, spec, ["b"], Voters(), at=AT)
    assert (done.poll_id, done.voter, done.choices, done.state) == ("p", "voter-1", ("b",), "open")
    assert store.tally("p").counts == {"b": 1}


def test_a_refused_vote_issues_no_receipt(store):
    item, spec = _loaded(store, "poll", "p")
    voters = Voters()
    with pytest.raises(InvalidChoice):
        polls.vote(store, item, spec, ["zzz"], voters, at=AT)
    with pytest.raises(ItemNotOpen):
        polls.vote(store, item, spec, ["a"], voters, at=AT - timedelta(days=2))
    assert voters.issued == 0
    assert store.tally("p").total == 0


def test_ideas_votes_and_taking_a_vote_back(store):
    item, spec = _loaded(store, "jam", "j")
    voters = Voters()
    robot = jams.submit_idea(store, item, spec, voters, title="Free coffee", body="",
                             author=None, robot=True, at=AT)
    assert robot.idea is None and voters.issued == 0 and store.list_ideas("j") == []
    done = jams.submit_idea(store, item, spec, voters, title="Free coffee", body="Please",
                            author="Ann", robot=False, at=AT)
    assert done.idea is not None and done.moderation == "published"
    voted = jams.vote_idea(store, item, spec, done.idea.id, voters, at=AT)
    assert store.get_idea(done.idea.id).votes == 1
    back = jams.unvote_idea(store, item, spec, done.idea.id, voted.voter, at=AT)
    assert back.taken and store.get_idea(done.idea.id).votes == 0
    assert not jams.unvote_idea(store, item, spec, done.idea.id, None, at=AT).taken


def test_answer_then_export_and_erase(store):
    item, spec = _loaded(store, "survey", "s")
    done = surveys.answer(store, item, spec, Voters(), score="9", comment=" Great ",
                          consent_to_quote="true", at=AT)
    assert (done.score, done.category, done.comment, done.consent_to_quote) == (
        9, "promoter", "Great", True)
    exported = me.export(store, done.voter)
    assert exported["voter_id"] == done.voter
    assert me.erase(store, done.voter, at=AT)["responses"] == 1
