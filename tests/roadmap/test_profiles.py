"""Champion profiles: one per display name with published ideas, badges from the rules."""

from __future__ import annotations

from datetime import timedelta

from pollserver.domain.profiles import slug_of
from tests.roadmap.conftest import AT


def _idea(store, title, author, *, days=0, moderation="published"):
    return store.add_idea("build-next", title=title, body="", author=author, voter_id=None,
                          moderation=moderation, at=AT + timedelta(days=days))


def test_slug_folds_names():
    assert slug_of("Marta R.") == "marta-r" and slug_of("  Zoë  Ó ") == "zoe-o"
    assert slug_of("!!!") == ""


def test_profile_page_with_badges(store, jam, client, new_voter):
    wins = [_idea(store, f"Winner {n}", "marta ", days=n + 1) for n in range(2)]
    for idea in wins:
        store.update_idea(idea.id, winner=True)
    _idea(store, "Pending one", "Marta", moderation="pending")
    for _ in range(2):
        new_voter().post(f"/api/jams/build-next/ideas/{jam[0]}/vote", json={})
    html = client.get("/champions/marta").get_data(as_text=True)
    assert '<h1 id="profile-title">marta</h1>' in html  # the latest spelling, trimmed
    # 2 other voters' votes + 2 wins (5 each) = 12 (ideas alone earn nothing)
    assert "<strong>12</strong> points · 3 ideas · 2 wins · 2 votes received" in html
    assert '<time datetime="2026-11-02T09:30:00Z">' in html  # joined: the first idea
    assert "First idea" in html and "First winner" in html
    assert "Three winners" not in html and "100 votes received</span>" not in html
    assert "Pending one" not in html
    assert f'href="/ideas/build-next/{jam[0]}">Oat milk flat white</a>' in html
    assert "Display names are free text" in html
    board = client.get("/champions").get_data(as_text=True)
    assert '<a href="/champions/marta">' in board


def test_three_winners_and_hundred_votes(store, jam, client, new_voter):
    for n in range(3):
        store.update_idea(_idea(store, f"Win {n}", "Sam", days=n).id, winner=True)
    html = client.get("/champions/sam").get_data(as_text=True)
    assert "Three winners" in html and "100 votes received</span>" not in html


def test_no_profile_for_unknown_or_anonymous(client, jam):
    assert client.get("/champions/nobody").status_code == 404
    assert client.get("/champions/-").status_code == 404


def test_erase_in_me_anonymises_the_profile(store, jam, voter, client):
    created = voter.post("/api/jams/build-next/ideas",
                         json={"title": "Roast a lighter espresso", "body": "",
                               "author": "Priya K."})
    assert created.status_code == 201, created.get_json()
    assert client.get("/champions/priya-k").status_code == 200
    assert voter.delete("/api/me").status_code == 200
    assert client.get("/champions/priya-k").status_code == 404
    assert store.get_idea(created.get_json()["id"]).author is None


def test_the_leaderboard_counts_a_merged_name_under_its_target(store, jam, client):
    """An editor's merge shows one spelling under another on the leaderboard too: one row, in
    the target's name, with both spellings' ideas."""
    from pollserver.domain.champions import ProfileRule

    _idea(store, "Refill pouches", "Marta R.", days=1)
    _idea(store, "Paper straws", "M. Rossi", days=2)
    _idea(store, "Bulk beans", "m. rossi", days=3)
    store.set_profile_rule(ProfileRule("m-rossi", merged_into="marta-r", by="ed", at=AT))
    for path in ("/api/champions", "/api/jams/build-next/champions"):
        rows = {row["name"]: row for row in client.get(path).get_json()["champions"]}
        assert "M. Rossi" not in rows and "m. rossi" not in rows, path
        assert rows["Marta R."]["ideas"] == 3, path
    # Hidden stays hidden, merged into it or not.
    store.set_profile_rule(ProfileRule("marta-r", hidden=True, by="ed", at=AT))
    names = [row["name"] for row in client.get("/api/champions").get_json()["champions"]]
    assert not [n for n in names if "rossi" in n.casefold() or n == "Marta R."]
