"""A board never closes, and a vote comes back when its idea is done or declined."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.domain.specs import SpecError, parse_jam
from tests.board.conftest import AT, BOARD

VOTE = f"/api/jams/{BOARD}/ideas/{{}}/vote"


def _status(editor, idea_id, status):
    client, csrf = editor
    answer = client.post(f"/api/admin/jams/{BOARD}/ideas/{idea_id}/status",
                         json={"status": status, "note": "Shipped in the spring menu."},
                         headers=csrf)
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize("finish", ["done", "declined"])
def test_budget_refreshes_when_a_voted_idea_is_finished(voter, board, editor, store, finish):
    assert voter.post(VOTE.format(board[0]), json={}).status_code == 200
    assert voter.post(VOTE.format(board[1]), json={}).status_code == 200
    refused = voter.post(VOTE.format(board[2]), json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_votes_left"
    _status(editor, board[0], finish)
    jam = voter.client.get(f"/api/jams/{BOARD}").get_json()
    assert jam["board"] is True and jam["my_votes_left"] == 1
    assert voter.post(VOTE.format(board[2]), json={}).status_code == 200
    assert store.get_idea(board[0]).votes == 1  # the finished idea keeps its vote
    assert voter.post(VOTE.format(board[1]), json={}).status_code == 409  # already voted
    assert voter.client.get(f"/api/jams/{BOARD}").get_json()["my_votes_left"] == 0


def test_finished_idea_takes_no_new_votes_on_a_board(voter, board, editor):
    _status(editor, board[0], "done")
    refused = voter.post(VOTE.format(board[0]), json={})
    assert refused.status_code == 409
    html = voter.client.get(f"/ideas/{BOARD}/{board[0]}").get_data(as_text=True)
    assert "takes no more votes" in html


def test_jam_with_closes_keeps_every_vote_counted(voter, store, editor, clock):
    from tests.conftest import make_item
    store.sync_items([make_item("jam", id="closing", title="Closing jam", votes_per_person=1,
                                closes=(AT + timedelta(days=90)).isoformat())])
    idea = store.add_idea("closing", title="Something nice", body="", author=None,
                          voter_id="v1", moderation="published", at=AT)
    other = store.add_idea("closing", title="Something else", body="", author=None,
                           voter_id="v2", moderation="published", at=AT)
    assert voter.post(f"/api/jams/closing/ideas/{idea.id}/vote", json={}).status_code == 200
    store.update_idea(idea.id, status="done", at=AT)
    assert voter.post(f"/api/jams/closing/ideas/{other.id}/vote", json={}).status_code == 409


def test_board_page_says_it_never_closes(client, board):
    html = client.get(f"/jams/{BOARD}").get_data(as_text=True)
    assert "comes back" in html


def test_board_refuses_phases():
    with pytest.raises(SpecError, match="a board .* has no phases"):
        parse_jam({"id": "b", "title": "Board", "vote_from": "2026-12-01T00:00:00Z"}, "b")


def test_refusal_names_the_readers_own_budget(voter, board, editor):
    for idea_id in board[:2]:
        assert voter.post(VOTE.format(idea_id), json={}).status_code == 200
    _status(editor, board[0], "done")
    third = voter.post(f"/api/jams/{BOARD}/ideas", json={"title": "Another fine idea"})
    assert voter.post(VOTE.format(board[2]), json={}).status_code == 200
    refused = voter.post(VOTE.format(third.get_json()["id"]), json={})
    assert refused.status_code == 409
    assert "all 2 of your votes on this board" in refused.get_json()["error"]["message"]
