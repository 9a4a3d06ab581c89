"""The idea page acts: vote, take back and follow without JavaScript; gone ideas answer clearly."""

from __future__ import annotations

from pollserver.domain.voters import ERASED_TITLE
from tests.board.conftest import BOARD
from tests.conftest import ORIGIN


def _page(client, idea_id):
    return client.get(f"/ideas/{BOARD}/{idea_id}")


def test_idea_page_votes_and_takes_back_without_js(voter, board, store):
    first = board[0]
    html = _page(voter.client, first).get_data(as_text=True)
    assert f'action="/api/jams/{BOARD}/ideas/{first}/vote"' in html
    assert f'name="next" value="/ideas/{BOARD}/{first}"' in html
    assert "<strong>2</strong> of 2 votes left" in html
    assert "<strong>Oat milk flat white</strong>, please." in html  # Markdown, sanitised
    voted = voter.client.post(f"/api/jams/{BOARD}/ideas/{first}/vote",
                              data={"next": f"/ideas/{BOARD}/{first}"},
                              headers={"Origin": ORIGIN})
    assert voted.status_code == 303
    assert voted.location == f"/ideas/{BOARD}/{first}#idea-{first}"
    page = voter.client.get(voted.location.split("#")[0])
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Thanks, your vote counted." in html and "Take back my vote" in html
    assert "<strong>1</strong> of 2 votes left" in html
    assert store.get_idea(first).votes == 1
    back = voter.client.post(f"/api/jams/{BOARD}/ideas/{first}/vote",
                             data={"_method": "DELETE", "next": f"/ideas/{BOARD}/{first}"},
                             headers={"Origin": ORIGIN})
    assert back.status_code == 303 and store.get_idea(first).votes == 0
    assert "Your vote was taken back." in voter.client.get(f"/ideas/{BOARD}/{first}").get_data(
        as_text=True)


def test_idea_page_follows_without_js_at_any_time(voter, board, store):
    html = _page(voter.client, board[1]).get_data(as_text=True)
    assert 'action="/api/follows"' in html and f'name="id" value="{board[1]}"' in html
    answer = voter.client.post("/api/follows", data={
        "kind": "idea", "id": board[1], "jam": BOARD, "email": "reader@example.org"},
        headers={"Origin": ORIGIN})
    assert answer.status_code == 303 and answer.location == f"/ideas/{BOARD}/{board[1]}"
    html = voter.client.get(answer.location).get_data(as_text=True)
    assert "confirm" in html.lower()
    assert any(e.type == "follow.requested" for e in store.list_events(limit=10))


def test_share_links_and_no_cache(client, board):
    html = _page(client, board[0]).get_data(as_text=True)
    assert f"/ideas/{BOARD}/{board[0]}" in html and "mailto:?subject=" in html


def test_merged_idea_redirects_to_its_target(client, board, store):
    store.merge_ideas(board[2], board[0])
    answer = _page(client, board[2])
    assert answer.status_code == 302
    assert answer.location.endswith(f"/ideas/{BOARD}/{board[0]}")
    html = _page(client, board[0]).get_data(as_text=True)
    assert "Merged into this idea" in html and "A dark mode for the app" in html


def test_hidden_rejected_and_pending_ideas_say_so(client, board, store):
    store.update_idea(board[0], moderation="hidden")
    store.update_idea(board[1], moderation="rejected")
    pending = store.add_idea(BOARD, title="Secret plan", body="", author=None, voter_id="v",
                             moderation="pending", at=store.get_idea(board[2]).created_at)
    for idea_id in (board[0], board[1], pending.id):
        answer = _page(client, idea_id)
        assert answer.status_code == 404
        html = answer.get_data(as_text=True)
        assert "This idea is not shown" in html and f'href="/jams/{BOARD}"' in html


def test_erased_idea_is_410(client, board, store):
    store.erase_voter("voter-1", withdraw_polls=(), withdraw_jams=(BOARD,))
    assert store.get_idea(board[1]).title == ERASED_TITLE
    answer = _page(client, board[1])
    assert answer.status_code == 410 and "erased" in answer.get_data(as_text=True)


def test_unknown_idea_and_jam_are_404(client, board):
    assert _page(client, "999").status_code == 404
    assert client.get("/ideas/nope/1").status_code == 404


def test_follow_from_me_and_jam_page_at_any_time(voter, board):
    jam_page = voter.client.get(f"/jams/{BOARD}").get_data(as_text=True)
    # Before any vote: the jam's follow form and a follow form under every idea.
    assert jam_page.count('action="/api/follows"') == 1 + len(board)
    assert voter.post(f"/api/jams/{BOARD}/ideas/{board[0]}/vote", json={}).status_code == 200
    me = voter.client.get("/me").get_data(as_text=True)
    assert 'name="kind" value="jam"' in me and f'name="id" value="{BOARD}"' in me
    assert 'class="me-feed"' in me


def test_events_and_cards_link_to_the_idea_page(voter, board, store, client):
    made = voter.post(f"/api/jams/{BOARD}/ideas", json={"title": "Refill station", "body": ""})
    new_id = made.get_json()["id"]
    [created] = [e for e in store.list_events(limit=20) if e.type == "idea.created"]
    assert created.data["url"] == f"/ideas/{BOARD}/{new_id}"  # the webhook payload's url
    jam = client.get(f"/api/jams/{BOARD}").get_json()
    assert {i["url"] for i in jam["ideas"]} >= {f"/ideas/{BOARD}/{i}" for i in board}
    html = client.get(f"/jams/{BOARD}").get_data(as_text=True)
    assert f'<a href="/ideas/{BOARD}/{board[0]}">Oat milk flat white</a>' in html
