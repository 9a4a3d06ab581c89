"""The private feed and "since your last visit" hold what the reader voted for or wrote
(not every idea of the jam), each event once and each sentence once."""

from __future__ import annotations

import re
from datetime import timedelta

from pollserver.actions.follows import updates_for
from pollserver.domain import events
from tests.board.conftest import AT, BOARD


def _status(editor, idea_id, status, note=""):
    client, csrf = editor
    assert client.post(f"/api/admin/jams/{BOARD}/ideas/{idea_id}/status",
                       json={"status": status, "note": note}, headers=csrf).status_code == 200


def test_feed_holds_my_ideas_not_the_whole_jam(voter, board, editor, store, clock):
    clock.now = AT
    assert voter.post(f"/api/jams/{BOARD}/ideas/{board[0]}/vote", json={}).status_code == 200
    me = voter.client.get("/me").get_data(as_text=True)
    [feed_url] = re.findall(r'href="(/me/updates/[^"]+\.atom)"', me)
    clock.now = AT + timedelta(minutes=5)
    _status(editor, board[0], "planned", "Trial in two shops")
    _status(editor, board[1], "planned", "Someone else's idea")
    clock.now = AT + timedelta(minutes=6)
    feed = voter.client.get(feed_url).get_data(as_text=True)
    assert feed.count("<entry>") == 1 and "Oat milk flat white" in feed
    assert "Faster delivery" not in feed


def test_since_your_last_visit_says_each_thing_once(voter, board, editor, clock):
    clock.now = AT
    assert voter.post(f"/api/jams/{BOARD}/ideas/{board[0]}/vote", json={}).status_code == 200
    voter.client.get(f"/jams/{BOARD}")  # the first visit starts counting
    clock.now = AT + timedelta(minutes=5)
    _status(editor, board[0], "planned", "Trial in two shops")
    _status(editor, board[1], "planned", "Someone else's idea")
    clock.now = AT + timedelta(minutes=6)
    html = voter.client.get(f"/jams/{BOARD}").get_data(as_text=True)
    since = html.split('id="since-title"')[1].split("</section>")[0]
    assert since.count("<li>") == 1
    assert since.count("is now Planned") == 1 and "Trial in two shops" in since
    assert "Someone else" not in since


def test_jam_news_reaches_voters_once_however_many_ideas_they_backed(store, board):
    for idea_id in board[:2]:
        store.vote_idea(BOARD, idea_id, "reader", budget=3, at=AT)
    store.emit(events.jam_closed(BOARD, "What should we improve?", [],
                                 at=AT + timedelta(minutes=1))).set_closed_at(
        "jam", BOARD, AT + timedelta(minutes=1))
    idea = store.get_idea(board[0])
    store.emit(events.idea_won(idea, at=AT + timedelta(minutes=2))).update_idea(
        idea.id, winner=True)
    other = store.get_idea(board[2])
    store.emit(events.idea_won(other, at=AT + timedelta(minutes=3))).update_idea(
        other.id, winner=True)
    found = [e.type for e in updates_for(store, "reader")]
    assert found == ["idea.won", "jam.closed"]  # each once; not the idea they did not back


def test_a_followed_jam_brings_every_ideas_news(voter, board, editor, clock):
    clock.now = AT
    answer = voter.client.post("/api/follows", data={"kind": "jam", "id": BOARD,
                                                     "email": "reader@example.org"},
                               headers={"Origin": "http://localhost"})
    assert answer.status_code == 303
    me = voter.client.get("/me").get_data(as_text=True)
    [feed_url] = re.findall(r'href="(/me/updates/[^"]+\.atom)"', me)
    clock.now = AT + timedelta(minutes=5)
    _status(editor, board[1], "planned", "Someone else's idea, but I follow the board")
    feed = voter.client.get(feed_url).get_data(as_text=True)
    assert feed.count("<entry>") == 1 and "Faster delivery" in feed
