"""Jam API: reading, submitting, vote budgets, every error status, no-JS forms, champions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain.records import AuditEntry
from tests.conftest import ORIGIN, make_item
from tests.instant import TEST_NOW

IDEAS = "/api/jams/build-next/ideas"


def vote_url(idea_id: str, jam: str = "build-next") -> str:
    return f"/api/jams/{jam}/ideas/{idea_id}/vote"


@pytest.fixture
def jam(store):
    """A jam taking ideas and votes at once, budget 3, post-moderation."""
    store.sync_items([make_item("jam", url="/pages/have-your-say.html", id="build-next",
                                title="What next?", prompt="Tell us.", max_winners=2)])
    return "build-next"


def submit(actor, title: str, body: str = "Because.", jam: str = "build-next", **extra):
    return actor.post(f"/api/jams/{jam}/ideas", json={"title": title, "body": body, **extra})


def add_ideas(actor, *titles: str) -> list[str]:
    ids = []
    for title in titles:
        response = submit(actor, title)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def error(response) -> str:
    return response.get_json()["error"]["code"]


def test_get_jam_shape(client, jam, voter):
    add_ideas(voter, "Refill pouches")
    body = client.get(f"/api/jams/{jam}").get_json()
    assert body["id"] == jam and body["title"] == "What next?" and body["prompt"] == "Tell us."
    assert body["phase"] == "submit" and body["submit_open"] and body["vote_open"]
    assert body["votes_per_person"] == 3 and body["my_votes_left"] == 3
    assert body["winners"] == []
    (idea,) = body["ideas"]
    assert {"id", "title", "body", "author", "votes", "status", "winner",
            "voted_by_me", "merged_into", "mine"} <= set(idea)
    # The widget shows the body as the idea page does: Markdown cleaned by nh3 on the server.
    assert idea["body_html"] == "<p>Because.</p>" and idea["url"] == f"/ideas/{jam}/{idea['id']}"
    assert idea["status"] == "open" and idea["votes"] == 0 and idea["mine"] is True


def test_unknown_jam_and_idea_404(client, voter, jam):
    assert error(client.get("/api/jams/nope")) == "not_found"
    assert client.get("/api/jams/nope").status_code == 404
    assert voter.post(vote_url("999"), json={}).status_code == 404
    assert submit(voter, "Good idea", jam="nope").status_code == 404


def test_submit_returns_201_with_similar(voter, jam):
    add_ideas(voter, "Refill pouches for beans")
    response = submit(voter, "Compostable refill pouches", author="Marta")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "published" and body["author"] == "Marta"
    assert [s["title"] for s in body["similar"]] == ["Refill pouches for beans"]
    similar = voter.client.get(f"/api/jams/{jam}/similar?title=refill+pouch").get_json()
    assert len(similar["similar"]) == 2


@pytest.mark.parametrize("payload, field", [
    ({"title": "abc", "body": ""}, "title"),
    ({"title": "x" * 121, "body": ""}, "title"),
    ({"body": "no title"}, "title"),
    ({"title": "Fine title", "body": "y" * 2001}, "body"),
    ({"title": "Fine title", "body": "", "author": "z" * 61}, "author"),
    ({"title": ["list"], "body": ""}, "title"),
])
def test_submit_validation_400(voter, jam, payload, field):
    response = voter.post(IDEAS, json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "bad_request", "field": field,
                                            "message": response.get_json()["error"]["message"]}


def test_body_html_is_sanitised(client, voter, jam):
    body = "**bold** <script>alert(1)</script>\n[x](javascript:y)"
    submit(voter, "Markdown idea", body=body)
    (idea,) = client.get(f"/api/jams/{jam}").get_json()["ideas"]
    assert idea["body"] == body  # JSON carries the text; the page renders it
    page = client.get(f"/jams/{jam}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_honeypot_pretends_success_and_stores_nothing(voter, store, jam):
    response = submit(voter, "Buy cheap watches", website="http://spam.example")
    assert response.status_code == 201
    assert store.list_ideas(jam) == []


def test_pre_moderation_hides_pending_from_others(store, voter, new_voter):
    store.sync_items([make_item("jam", id="pre", title="Pre", moderation="pre")])
    created = submit(voter, "Pending thought", jam="pre")
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    (mine,) = voter.client.get("/api/jams/pre").get_json()["ideas"]
    assert mine["status"] == "pending" and mine["mine"] is True
    assert new_voter().client.get("/api/jams/pre").get_json()["ideas"] == []
    other = new_voter()
    assert other.post(vote_url(mine["id"], "pre"), json={}).status_code == 409
    page = voter.client.get("/jams/pre").get_data(as_text=True)
    assert "Pending thought" in page and "awaiting review" in page.lower()


def test_budget_three_fourth_vote_409_and_unvote_refunds(voter, jam):
    ids = add_ideas(voter, "Idea one", "Idea two", "Idea three", "Idea four")
    for n, idea_id in enumerate(ids[:3]):
        response = voter.post(vote_url(idea_id), json={})
        assert response.status_code == 200
        assert response.get_json()["my_votes_left"] == 2 - n
    fourth = voter.post(vote_url(ids[3]), json={})
    assert fourth.status_code == 409 and error(fourth) == "no_votes_left"
    again = voter.post(vote_url(ids[0]), json={})
    assert again.status_code == 409 and error(again) == "already_voted"
    back = voter.delete(vote_url(ids[0]))
    assert back.status_code == 200 and back.get_json()["my_votes_left"] == 1
    body = voter.post(vote_url(ids[3]), json={}).get_json()
    assert body["my_votes_left"] == 0
    voted = {i["id"]: (i["votes"], i["voted_by_me"]) for i in body["ideas"]}
    assert voted == {ids[0]: (0, False), ids[1]: (1, True), ids[2]: (1, True),
                     ids[3]: (1, True)}


def test_unlimited_budget_reports_null(store, voter):
    store.sync_items([make_item("jam", id="free", title="Free", votes_per_person=0)])
    ids = [submit(voter, f"Idea number {n}", jam="free").get_json()["id"] for n in range(5)]
    for idea_id in ids:
        assert voter.post(vote_url(idea_id, "free"), json={}).status_code == 200
    assert voter.client.get("/api/jams/free").get_json()["my_votes_left"] is None


def test_sort_top_and_new(voter, new_voter, jam, clock):
    clock.now = datetime(2026, 1, 1, tzinfo=UTC)
    ids = add_ideas(voter, "Oldest idea", "Middle idea")
    clock.now += timedelta(minutes=1)
    ids += add_ideas(voter, "Newest idea")
    for actor in (voter, new_voter()):
        actor.post(vote_url(ids[2]), json={})
    new_voter().post(vote_url(ids[1]), json={})
    top = voter.client.get(f"/api/jams/{jam}?sort=top").get_json()["ideas"]
    new = voter.client.get(f"/api/jams/{jam}?sort=new").get_json()["ideas"]
    assert [i["id"] for i in top] == [ids[2], ids[1], ids[0]]
    assert [i["id"] for i in new] == [ids[2], ids[1], ids[0]][:1] + [ids[1], ids[0]]


@pytest.fixture
def phased(store, clock):
    """A jam with separate submit (Nov) and vote (Dec 1-20) phases."""
    store.sync_items([make_item("jam", id="phased", title="Phased",
                                submit_from="2026-11-01T00:00:00Z",
                                vote_from="2026-12-01T00:00:00Z",
                                closes="2026-12-20T00:00:00Z")])
    return clock


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_phase_errors(phased, voter):
    phased.now = at("2026-10-01")
    early = submit(voter, "Too early", jam="phased")
    assert early.status_code == 409 and error(early) == "poll_not_open"
    phased.now = at("2026-11-05")
    idea_id = submit(voter, "Just right", jam="phased").get_json()["id"]
    not_yet = voter.post(vote_url(idea_id, "phased"), json={})
    assert not_yet.status_code == 409 and error(not_yet) == "poll_not_open"
    phased.now = at("2026-12-05")
    body = voter.client.get("/api/jams/phased").get_json()
    assert (body["phase"], body["submit_open"], body["vote_open"]) == ("vote", False, True)
    late_idea = submit(voter, "Too late now", jam="phased")
    assert late_idea.status_code == 409 and error(late_idea) == "poll_closed"
    assert voter.post(vote_url(idea_id, "phased"), json={}).status_code == 200
    phased.now = at("2026-12-21")
    assert voter.client.get("/api/jams/phased").get_json()["phase"] == "closed"
    closed = voter.delete(vote_url(idea_id, "phased"))
    assert closed.status_code == 409 and error(closed) == "poll_closed"


def test_cannot_vote_on_hidden_or_merged(store, voter, jam):
    a, b, c = add_ideas(voter, "Idea alpha", "Idea bravo", "Idea charlie")
    store.update_idea(b, moderation="hidden")
    store.merge_ideas(c, a)
    for idea_id in (b, c):
        response = voter.post(vote_url(idea_id), json={})
        assert response.status_code == 409
    ideas = {i["id"]: i for i in voter.client.get(f"/api/jams/{jam}").get_json()["ideas"]}
    assert b not in ideas
    assert ideas[c]["status"] == "merged" and ideas[c]["merged_into"] == a
    assert ideas[c]["merged_into_title"] == "Idea alpha"


def test_origin_and_content_type_guards(client, voter, jam):
    foreign = client.post(IDEAS, json={"title": "Cross site", "body": ""},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and error(foreign) == "forbidden_origin"
    text = client.post(IDEAS, data="x", content_type="text/plain", headers={"Origin": ORIGIN})
    assert text.status_code == 415


def test_form_posts_303_back_to_article_or_next(voter, store, jam):
    created = voter.client.post(IDEAS, data={"title": "Form idea", "body": "", "website": ""},
                                headers={"Origin": ORIGIN})
    assert created.status_code == 303
    assert created.location.startswith("/pages/have-your-say.html#")
    (idea,) = store.list_ideas(jam)
    voted = voter.client.post(vote_url(idea.id), data={"next": f"/jams/{jam}"},
                              headers={"Origin": ORIGIN})
    assert voted.status_code == 303 and voted.location == f"/jams/{jam}#idea-{idea.id}"
    assert store.get_idea(idea.id).votes == 1
    undone = voter.client.post(vote_url(idea.id), data={"_method": "DELETE",
                                                        "next": "//evil.example/x"},
                               headers={"Origin": ORIGIN})
    assert undone.status_code == 303 and undone.location.startswith("/pages/have-your-say")
    assert store.get_idea(idea.id).votes == 0
    bad = voter.client.post(IDEAS, data={"title": "ab", "next": f"/jams/{jam}"},
                            headers={"Origin": ORIGIN})
    assert bad.status_code == 303 and bad.location.startswith(f"/jams/{jam}")
    page = voter.client.get(f"/jams/{jam}").get_data(as_text=True)
    assert "at least 4 characters" in page


@pytest.mark.parametrize("target, ok", [
    ("/jams/x", True), ("/jams/x?sort=new", True), ("//evil.example", False),
    ("https://evil.example/", False), ("/\\evil.example", False), ("jams/x", False),
    ("/jams/x\x7f", False), ("/jams/\r\nSet-Cookie: a=b", False), ("/" + "x" * 300, False),
])
def test_next_path(target, ok):
    # One rule for every ``next`` (domain.paths.local_path): the readers' forms refuse DEL
    # like the editors' login always did.
    from pollserver.admin.auth import safe_next
    from pollserver.api.jams import next_path

    assert (next_path(target) is not None) is ok
    assert (safe_next(target, default="") != "") is ok


def test_next_path_drops_the_fragment_and_the_reply_adds_its_own(voter, jam):
    from pollserver.api.jams import next_path

    assert next_path("/jams/x?sort=new#top") == "/jams/x?sort=new"
    response = voter.client.post(IDEAS, data={"title": "Refill pouches please",
                                              "next": f"/jams/{jam}#elsewhere"},
                                 headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.location.startswith(f"/jams/{jam}#idea-")


def test_merge_moves_votes_without_double_counting(store, voter, new_voter, jam):
    a, b = add_ideas(voter, "Refill pouches", "Compostable pouches")
    both, only_b = new_voter(), new_voter()
    both.post(vote_url(a), json={})
    both.post(vote_url(b), json={})
    only_b.post(vote_url(b), json={})
    merged = store.merge_ideas(b, a)
    assert merged.votes == 2
    body = both.client.get(f"/api/jams/{jam}").get_json()
    assert body["my_votes_left"] == 2  # the double vote came back
    assert only_b.client.get(f"/api/jams/{jam}").get_json()["my_votes_left"] == 2


def test_rewards_once_per_participant(store, voter, new_voter):
    store.sync_items([make_item("jam", id="rewarded", title="R", reward="jam-codes")])
    store.add_codes("jam-codes", ["C1", "C2", "C3"])
    first = submit(voter, "Rewarded idea", jam="rewarded").get_json()["id"]
    assert voter.client.get("/api/jams/rewarded").get_json()["reward"]["code"] == "C1"
    body = voter.post(vote_url(first, "rewarded"), json={}).get_json()
    assert body["reward"]["code"] == "C1"  # voting as well does not earn a second code
    fan = new_voter()
    assert fan.post(vote_url(first, "rewarded"), json={}).get_json()["reward"]["code"] == "C2"
    assert store.pool_stats()["jam-codes"] == (3, 2)


def test_winners_and_champions(store, voter, new_voter, jam):
    a, b = add_ideas(voter, "Winner idea", "Runner up")
    submit(voter, "Anonymous idea")
    store.update_idea(a, author="Marta")
    store.update_idea(b, author="Devon")
    for actor in (new_voter(), new_voter()):
        actor.post(vote_url(a), json={})
    store.update_idea(a, winner=True)
    body = voter.client.get(f"/api/jams/{jam}").get_json()
    assert body["winners"] == [{"id": a, "title": "Winner idea", "author": "Marta",
                                "votes": 2}]
    board = voter.client.get(f"/api/jams/{jam}/champions").get_json()["champions"]
    assert board == [
        {"name": "Marta", "points": 2 + 5, "ideas": 1, "votes_received": 2, "wins": 1},
        {"name": "Devon", "points": 0, "ideas": 1, "votes_received": 0, "wins": 0},
    ]
    assert voter.client.get("/api/champions").get_json()["champions"] == board
    assert voter.client.get("/api/jams/nope/champions").status_code == 404


def test_editor_actions_record_audit(store, jam, voter):
    from pollserver.editor import jams as actions

    now = TEST_NOW
    a, b, c = add_ideas(voter, "Idea alpha", "Idea bravo", "Idea charlie")
    actions.hide(store, "ed", b, at=now)
    actions.approve(store, "ed", b, at=now)
    actions.set_status(store, "ed", a, "planned", at=now)
    actions.merge(store, "ed", c, a, at=now, jam_id=jam)
    assert [i.id for i in actions.pick_winners(store, "ed", jam, [a, b], at=now)] == [a, b]
    from pollserver.domain.errors import BadRequest, Conflict

    with pytest.raises(BadRequest):
        actions.pick_winners(store, "ed", jam, [a, b, c], at=now)  # max_winners is 2
    with pytest.raises(Conflict):
        actions.pick_winners(store, "ed", jam, [c], at=now)  # merged
    with pytest.raises(BadRequest):
        actions.set_status(store, "ed", a, "merged", at=now)
    actions.close_early(store, "ed", jam, at=now)
    assert voter.client.get(f"/api/jams/{jam}").get_json()["phase"] == "closed"
    log = store.list_audit()
    assert all(isinstance(e, AuditEntry) and e.actor == "ed" for e in log)
    assert [e.action for e in reversed(log)] == ["idea.hide", "idea.approve", "idea.status",
                                                 "idea.merge", "jam.winners", "jam.close"]
    assert log[1].details["winners"] == [a, b]
