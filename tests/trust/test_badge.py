"""``verified: badge``: everyone votes, verified customers' votes are counted apart (poll
results, jam ideas), and ideas and champion profiles of verified voters carry a mark; on all
three stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from pollserver import create_app
from pollserver.domain.kinds import parse_spec
from pollserver.domain.specs import SpecError
from pollserver.web.context import services_of
from tests.conftest import Clock, VoterActions, make_item
from tests.security.stores import BACKENDS, _drop, make_settings
from tests.trust.test_verify import SECRET, token


@pytest.fixture(params=BACKENDS)
def badged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on each store with a ``verified: badge`` poll and jam."""
    settings, schema = make_settings(request.param, tmp_path, verify_key=SECRET)
    app = create_app(settings)
    services_of(app).clock = Clock()
    services_of(app).store.sync_items([
        make_item("jam", id="bj", title="Everyone", verified="badge"),
        make_item("poll", id="bp", question="Which?", options=["a", "b"], verified="badge")])
    try:
        yield app
    finally:
        services_of(app).store.close()
        if schema:
            _drop(schema)


def _customer(app: Flask, sub: str) -> VoterActions:
    actor = VoterActions(app.test_client())
    assert actor.post("/api/verify", json={"token": token(app, sub=sub)}).status_code == 200
    return actor


def test_poll_results_count_verified_votes_apart(badged: Flask) -> None:
    customer, guest, other = (_customer(badged, "c-1"), VoterActions(badged.test_client()),
                              VoterActions(badged.test_client()))
    assert guest.post("/api/polls/bp/vote", json={"choices": ["a"]}).status_code == 200
    assert other.post("/api/polls/bp/vote", json={"choices": ["b"]}).status_code == 200
    voted = customer.post("/api/polls/bp/vote", json={"choices": ["a"]}).get_json()
    assert voted["verified"] == "badge"
    assert voted["results"]["total"] == 3 and voted["results"]["verified"] == 1


def test_jam_ideas_show_verified_votes_and_authors(badged: Flask) -> None:
    customer, guest = _customer(badged, "c-2"), VoterActions(badged.test_client())
    assert customer.post("/api/jams/bj/ideas", json={"title": "From a customer"}).status_code == 201
    assert guest.post("/api/jams/bj/ideas", json={"title": "From a guest"}).status_code == 201
    for actor in (customer, guest):
        for idea in services_of(badged).store.list_ideas("bj"):
            url = f"/api/jams/bj/ideas/{idea.id}/vote"
            assert actor.post(url, json={}).status_code == 200
    ideas = {i["title"]: i for i in guest.client.get("/api/jams/bj").get_json()["ideas"]}
    assert ideas["From a customer"]["author_verified"] is True
    assert ideas["From a guest"]["author_verified"] is False
    assert [ideas[t]["votes"] for t in ("From a customer", "From a guest")] == [2, 2]
    assert [ideas[t]["verified_votes"] for t in ("From a customer", "From a guest")] == [1, 1]
    page = guest.client.get("/jams/bj").get_data(as_text=True)
    assert "Verified customer" in page and "1 from a verified customer" in page
    ids = {i["title"]: i["id"] for i in ideas.values()}
    mine = guest.client.get(f"/ideas/bj/{ids['From a customer']}").get_data(as_text=True)
    theirs = guest.client.get(f"/ideas/bj/{ids['From a guest']}").get_data(as_text=True)
    assert "Verified customer" in mine and "Verified customer" not in theirs


def test_badge_off_counts_nothing_apart(badged: Flask) -> None:
    services_of(badged).store.sync_items([make_item("poll", id="plain", question="Q?",
                                                    options=["a", "b"])])
    voted = _customer(badged, "c-3").post("/api/polls/plain/vote", json={"choices": ["a"]})
    assert "verified" not in voted.get_json()["results"]


def test_the_block_key_is_checked() -> None:
    assert parse_spec("poll", {"id": "p", "question": "Q?", "options": ["a", "b"],
                               "verified": "badge"}).verified == "badge"
    assert parse_spec("jam", {"id": "j", "title": "T", "verified": False}).verified == "off"
    with pytest.raises(SpecError, match="verified must be off or badge"):
        parse_spec("jam", {"id": "j", "title": "T", "verified": "yes"})


def test_a_verified_champion_profile_carries_the_mark(badged: Flask) -> None:
    customer, guest = _customer(badged, "c-4"), VoterActions(badged.test_client())
    assert customer.post("/api/jams/bj/ideas",
                         json={"title": "Ada's idea", "author": "Ada"}).status_code == 201
    assert guest.post("/api/jams/bj/ideas",
                      json={"title": "Bob's idea", "author": "Bob"}).status_code == 201
    assert "Verified customer" in guest.client.get("/champions/ada").get_data(as_text=True)
    assert "Verified customer" not in guest.client.get("/champions/bob").get_data(as_text=True)
