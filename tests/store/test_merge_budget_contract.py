"""A merge keeps every voter's budget right on every backend: a voter who backed both ideas
gets one vote back."""

from __future__ import annotations

from tests.store.test_contract import AT, jam


def test_a_voter_who_backed_both_gets_one_vote_back(store) -> None:
    """On every backend: budget 2; "both" voted for the two ideas, "one" for the source only."""
    store.sync_items([jam()])
    target = store.add_idea("j", title="Dark mode", body="", author=None, voter_id=None,
                            moderation="published", at=AT)
    source = store.add_idea("j", title="Darkmode please", body="", author=None,
                            voter_id=None, moderation="published", at=AT)
    for voter, ideas in (("both", (target, source)), ("one", (source,))):
        for i in ideas:
            store.vote_idea("j", i.id, voter, budget=2, at=AT)
    store.merge_ideas(source.id, target.id)
    assert store.get_idea(target.id).votes == 2
    # "both" has one vote left to spend again; "one" keeps its single vote, on the target.
    third = store.add_idea("j", title="Third", body="", author=None, voter_id=None,
                           moderation="published", at=AT)
    store.vote_idea("j", third.id, "both", budget=2, at=AT)
    assert store.get_idea(third.id).votes == 1
