"""Moderation screens: each action changes the idea and leaves an audit entry by the editor."""

from __future__ import annotations

import pytest

from tests.conftest import make_item
from tests.instant import TEST_NOW


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", id="soaps", title="Next soap", moderation="pre",
                                max_winners=2, reward="jam-codes")])
    return "soaps"


def add(store, title, moderation="pending", voter="v-author"):
    return store.add_idea("soaps", title=title, body=f"{title} body <script>x</script>",
                          author="Ann", voter_id=voter, moderation=moderation,
                          at=TEST_NOW)


def last_audit(store):
    return store.list_audit()[0]


def test_page_lists_ideas_escaped(editor, jam, store):
    add(store, "Lavender <b>bar</b>")
    page = editor.client.get("/admin/jams/soaps").get_data(as_text=True)
    assert "Lavender &lt;b&gt;bar&lt;/b&gt;" in page and "<script>x" not in page


def test_needs_login(anon, jam, store):
    idea = add(store, "Lavender")
    response = anon.client.post(f"/admin/jams/soaps/ideas/{idea.id}/approve", data={})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert store.get_idea(idea.id).moderation == "pending"


def test_forged_moderation_without_token_refused(editor, jam, store):
    idea = add(store, "Lavender")
    response = editor.client.post(f"/admin/jams/soaps/ideas/{idea.id}/approve", data={})
    assert response.status_code == 403
    assert store.get_idea(idea.id).moderation == "pending"


@pytest.mark.parametrize("action, state", [("approve", "published"), ("reject", "rejected")])
def test_approve_and_reject(editor, jam, store, action, state):
    idea = add(store, "Lavender")
    response = editor.post(f"/admin/jams/soaps/ideas/{idea.id}/{action}")
    assert response.status_code == 303
    assert store.get_idea(idea.id).moderation == state
    entry = last_audit(store)
    assert (entry.actor, entry.action, entry.target) == ("editor", f"idea.{action}",
                                                         f"idea:{idea.id}")


def test_approve_hands_author_the_reward(editor, jam, store):
    store.add_codes("jam-codes", ["A1"])
    idea = add(store, "Lavender")
    editor.post(f"/admin/jams/soaps/ideas/{idea.id}/approve")
    assert store.code_of("jam-codes", "v-author") == "A1"


def test_hide(editor, jam, store):
    idea = add(store, "Lavender", moderation="published")
    editor.post(f"/admin/jams/soaps/ideas/{idea.id}/hide")
    assert store.get_idea(idea.id).moderation == "hidden"
    assert last_audit(store).action == "idea.hide"


def test_set_status(editor, jam, store):
    idea = add(store, "Lavender", moderation="published")
    editor.post(f"/admin/jams/soaps/ideas/{idea.id}/status", {"status": "planned"})
    assert store.get_idea(idea.id).status == "planned"
    entry = last_audit(store)
    assert entry.action == "idea.status" and entry.details["after"] == "planned"
    bad = editor.post(f"/admin/jams/soaps/ideas/{idea.id}/status", {"status": "merged"})
    assert bad.status_code == 400 and "status must be one of" in bad.get_data(as_text=True)


def test_merge(editor, jam, store):
    first = add(store, "Lavender", moderation="published", voter="a")
    second = add(store, "Lavender soap", moderation="published", voter="b")
    store.vote_idea("soaps", first.id, "x", budget=3, at=TEST_NOW)
    store.vote_idea("soaps", second.id, "y", budget=3, at=TEST_NOW)
    editor.post(f"/admin/jams/soaps/ideas/{first.id}/merge", {"into": second.id})
    assert store.get_idea(first.id).status == "merged"
    assert store.get_idea(second.id).votes == 2
    entry = last_audit(store)
    assert entry.action == "idea.merge" and entry.details["into"] == second.id


def test_pick_winners(editor, jam, store):
    ideas = [add(store, f"Idea {n}", moderation="published", voter=f"v{n}") for n in range(3)]
    response = editor.post("/admin/jams/soaps/winners", {"winner": [ideas[0].id, ideas[2].id]})
    assert response.status_code == 303
    assert [store.get_idea(i.id).winner for i in ideas] == [True, False, True]
    entry = last_audit(store)
    assert entry.action == "jam.winners" and entry.target == "jam:soaps"
    too_many = editor.post("/admin/jams/soaps/winners",
                           {"winner": [i.id for i in ideas]})
    assert too_many.status_code == 400 and "at most 2" in too_many.get_data(as_text=True)
    public = editor.client.get("/api/jams/soaps").get_json()
    assert {i["id"] for i in public["ideas"] if i["winner"]} == {ideas[0].id, ideas[2].id}


def test_close_and_reopen(editor, jam, store):
    editor.post("/admin/jams/soaps/close")
    assert store.get_item("jam", "soaps").closed_at is not None
    assert last_audit(store).action == "jam.close"
    editor.post("/admin/jams/soaps/reopen")
    assert store.get_item("jam", "soaps").closed_at is None
    assert last_audit(store).action == "jam.reopen"


def test_unknown_idea_404(editor, jam):
    assert editor.post("/admin/jams/soaps/ideas/nope/approve").status_code == 404
