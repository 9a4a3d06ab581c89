"""Editor JSON API for jams: sign-in required, CSRF, moderation, merge, winners, close."""

from __future__ import annotations

import pytest

from tests.conftest import make_item
from tests.editors import sign_in_editor

BASE = "/api/admin/jams/build-next"


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", id="build-next", title="What next?", moderation="pre",
                                max_winners=1, reward="jam-codes")])
    store.add_codes("jam-codes", ["C1", "C2"])
    return "build-next"


@pytest.fixture
def editor(app, store):
    """A signed-in editor's client and its CSRF header."""
    return sign_in_editor(app, store)


def test_requires_editor(client, jam):
    response = client.get(BASE)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.post(f"{BASE}/close", json={}).status_code in (401, 403)


def test_requires_csrf_token(editor, jam):
    client, _ = editor
    assert client.post(f"{BASE}/close", json={}).status_code == 403


def test_another_sites_page_cannot_act_for_the_editor_even_with_the_token(editor, jam, store):
    client, csrf = editor
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        refused = client.post(f"{BASE}/close", json={}, headers={**csrf, **headers})
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "forbidden_origin"
    assert store.get_item("jam", jam).closed_at is None
    own = client.post(f"{BASE}/close", json={}, headers={**csrf, "Origin": "http://localhost"})
    assert own.status_code == 200


def test_moderate_merge_winners_close(editor, voter, store, jam):
    client, csrf = editor
    ids = [voter.post(f"/api/jams/{jam}/ideas", json={"title": t, "body": ""}).get_json()["id"]
           for t in ("Idea alpha", "Idea bravo", "Idea charlie")]
    listing = client.get(BASE).get_json()
    assert listing["pending"] == 3 and len(listing["all_ideas"]) == 3 and listing["ideas"] == []
    approved = client.post(f"{BASE}/ideas/{ids[0]}/approve", json={}, headers=csrf)
    assert approved.status_code == 200 and approved.get_json()["idea"]["moderation"] == "published"
    assert store.pool_stats()["jam-codes"] == (2, 1)  # the author's reward, on approval
    client.post(f"{BASE}/ideas/{ids[1]}/approve", json={}, headers=csrf)
    client.post(f"{BASE}/ideas/{ids[2]}/reject", json={}, headers=csrf)
    status = client.post(f"{BASE}/ideas/{ids[0]}/status", json={"status": "planned"},
                         headers=csrf)
    assert status.get_json()["idea"]["status"] == "planned"
    bad = client.post(f"{BASE}/ideas/{ids[0]}/status", json={"status": "shipped"}, headers=csrf)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"
    merged = client.post(f"{BASE}/ideas/{ids[1]}/merge", json={"into": ids[0]}, headers=csrf)
    assert merged.status_code == 200 and merged.get_json()["idea"]["id"] == ids[0]
    too_many = client.post(f"{BASE}/winners", json={"ideas": ids[:2]}, headers=csrf)
    assert too_many.status_code == 400
    merged_winner = client.post(f"{BASE}/winners", json={"ideas": [ids[1]]}, headers=csrf)
    assert merged_winner.status_code == 409
    winners = client.post(f"{BASE}/winners", json={"ideas": [ids[0]]}, headers=csrf)
    assert [w["id"] for w in winners.get_json()["winners"]] == [ids[0]]
    closed = client.post(f"{BASE}/close", json={}, headers=csrf).get_json()
    assert closed["phase"] == "closed" and [w["id"] for w in closed["winners"]] == [ids[0]]
    assert client.post(f"{BASE}/reopen", headers=csrf).get_json()["phase"] != "closed"
    actions = [e.action for e in store.list_audit() if e.actor == "editor"]
    assert {"idea.approve", "idea.reject", "idea.status", "idea.merge", "jam.winners",
            "jam.close", "jam.reopen"} <= set(actions)


def test_unknown_targets(editor, jam):
    client, csrf = editor
    assert client.get("/api/admin/jams/nope").status_code == 404
    assert client.post(f"{BASE}/ideas/99/approve", headers=csrf).status_code == 404
    assert client.post(f"{BASE}/ideas/1/explode", headers=csrf).status_code in (400, 404)
