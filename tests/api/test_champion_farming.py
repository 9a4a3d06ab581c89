"""Champion points cannot be farmed from one address: ideas alone and own votes earn nothing."""

from __future__ import annotations

from tests.api.test_jams import add_ideas, jam, vote_url  # noqa: F401 - the fixture

__all__ = ["jam"]


def board(client) -> dict[str, int]:
    return {c["name"]: c["points"] for c in client.get("/api/champions").get_json()["champions"]}


def test_spamming_ideas_from_one_address_earns_nothing(jam, voter, new_voter, store):
    ids = add_ideas(voter, *[f"Spam idea number {n}" for n in range(12)])
    for idea_id in ids:
        store.update_idea(idea_id, author="Spammer")
    for idea_id in ids[:3]:
        assert voter.post(vote_url(idea_id), json={}).status_code in (200, 201)
    assert board(voter.client) == {"Spammer": 0}
    fan = new_voter()
    for idea_id in ids[:3]:  # someone else's votes count, up to the cap per voter
        fan.post(vote_url(idea_id), json={})
    assert board(voter.client) == {"Spammer": 3}
    store.update_idea(ids[0], moderation="hidden")  # a hidden idea takes its points back
    assert board(voter.client) == {"Spammer": 2}
