"""The jam GET reuses a jam's prepared idea rows between changes: it must never serve stale
rows, and its pre-encoded JSON must say exactly what ``jam_view`` says."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pollserver.presenters.jams import jam_json, jam_view
from pollserver.store.tinydb import TinyDBStore
from pollserver.web.context import load, reader
from tests.conftest import ORIGIN, make_item

JAM = "build-next"
AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", id=JAM, title="What next?", prompt="Tell us.",
                                moderation="pre", votes_per_person=3)])
    return JAM


def ideas(client, sort: str = "top") -> dict[str, dict]:
    body = client.get(f"/api/jams/{JAM}?sort={sort}").get_json()
    return {i["id"]: i for i in body["ideas"]}


def test_every_change_shows_at_once(app, store, jam, voter, new_voter):
    reader = new_voter()
    a = store.add_idea(jam, title="Refill pouches", body="a", author="Ann", voter_id="v-ann",
                       moderation="published", at=AT)
    b = store.add_idea(jam, title="Bigger mugs", body="b", author=None, voter_id=None,
                       moderation="published", at=AT)
    assert ideas(reader.client)[a.id]["votes"] == 0
    assert voter.post(f"/api/jams/{jam}/ideas/{a.id}/vote", json={}).status_code == 200
    assert ideas(reader.client)[a.id]["votes"] == 1
    mine = ideas(voter.client)
    assert mine[a.id]["voted_by_me"] and not mine[b.id]["voted_by_me"]
    store.update_idea(b.id, title="Much bigger mugs")
    assert ideas(reader.client)[b.id]["title"] == "Much bigger mugs"
    store.merge_ideas(a.id, b.id)
    shown = ideas(reader.client)
    assert shown[a.id]["status"] == "merged" and shown[a.id]["merged_into_title"] == (
        "Much bigger mugs")
    assert shown[b.id]["votes"] == 1 and ideas(voter.client)[b.id]["voted_by_me"]
    store.update_idea(b.id, moderation="hidden")
    assert b.id not in ideas(reader.client)
    store.erase_voter("v-ann", withdraw_polls=[], withdraw_jams=[jam])
    assert a.id not in ideas(reader.client)  # an erased author's idea leaves the site


def test_own_pending_idea_is_listed_to_its_author_only(jam, voter, new_voter):
    reader = new_voter()
    assert ideas(reader.client) == {}
    response = voter.post(f"/api/jams/{jam}/ideas", json={"title": "Refill pouches", "body": ""})
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    idea_id = response.get_json()["id"]
    own = ideas(voter.client)
    assert own[idea_id]["mine"] and own[idea_id]["status"] == "pending"
    assert ideas(reader.client) == {}
    assert ideas(voter.client, "new")[idea_id]["mine"]


@pytest.mark.parametrize("sort", ["top", "new"])
def test_json_says_what_jam_view_says(app, store, jam, sort):
    ids = [store.add_idea(jam, title=f"Idea number {n}", body=f"**{n}** é \u2028 </script>",
                          author=f"A{n % 3}", voter_id=f"v{n % 4}",
                          moderation="pending" if n % 5 == 0 else "published",
                          at=datetime(2026, 1, 1 + n, tzinfo=UTC)).id for n in range(12)]
    for n, idea_id in enumerate(ids):
        if n % 5:
            for v in range(n % 3):
                store.vote_idea(jam, idea_id, f"w{v}", budget=0, at=AT)
    store.vote_idea(jam, ids[1], "v1", budget=0, at=AT)
    store.update_idea(ids[2], winner=True)
    with app.test_request_context():
        item, spec = load("jam", jam)
        for who in (None, "v0", "v1", "nobody"):
            for _ in range(2):  # the second round comes from the cache
                assert json.loads(jam_json(reader(who), item, spec, sort)) == jam_view(
                    reader(who), item, spec, sort)


def test_tinydb_version_follows_another_process(tmp_path):
    first, second = TinyDBStore(tmp_path), TinyDBStore(tmp_path)
    try:
        first.sync_items([make_item("jam", id=JAM, title="What next?", prompt="Tell us.")])
        before = second.jam_version(JAM)
        idea = first.add_idea(JAM, title="Refill pouches", body="", author=None,
                              voter_id="v1", moderation="published", at=AT)
        after_add = second.jam_version(JAM)
        assert after_add != before
        first.vote_idea(JAM, idea.id, "v2", budget=0, at=AT)
        assert second.jam_version(JAM) != after_add
        assert second.list_ideas(JAM)[0].votes == 1
    finally:
        first.close()
        second.close()


def test_no_js_vote_then_page(voter, store, jam):
    idea = store.add_idea(jam, title="Refill pouches", body="*less* tin", author=None,
                          voter_id=None, moderation="published", at=AT)
    page = voter.client.get(f"/jams/{jam}").get_data(as_text=True)
    assert "<em>less</em> tin" in page
    voter.client.post(f"/api/jams/{jam}/ideas/{idea.id}/vote", data={"next": f"/jams/{jam}"},
                      headers={"Origin": ORIGIN})
    assert ideas(voter.client)[idea.id]["voted_by_me"]
    assert "Take back my vote" in voter.client.get(f"/jams/{jam}").get_data(as_text=True)
