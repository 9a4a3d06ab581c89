"""Erase keeps the privacy page's promise (issue 11 item 4), on every store.

After ``DELETE /api/me`` (or the no-JS ``POST /me/erase``) the voter's idea is off the public
site, open votes are withdrawn and closed ones unlinked, reward codes unlinked, the old cookie
shows nothing, and no file in the data directory holds the voter id or their text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from pollserver import create_app
from pollserver.domain.champions import Champion
from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item
from tests.security import stores
from tests.security.stores import make_settings

any_app = stores.any_app  # the fixture: this app on each backend

SECRET_TEXT = "Zanzibar-marmalade-refill"


def _arrange(app: Flask) -> None:
    store = services_of(app).store
    past = datetime(2020, 1, 1, tzinfo=UTC)
    store.sync_items([
        make_item("poll", id="open", question="Open?", options=["Yes", "No"], reward="pool"),
        make_item("poll", id="shut", question="Shut?", options=["Yes", "No"],
                  closes=past + timedelta(days=30), opens=past),
        make_item("jam", id="j", title="Ideas", votes_per_person=3),
        make_item("survey", id="s")])
    store.add_codes("pool", ["CODE-1", "CODE-2"])
    store.add_idea("j", title="Someone else's idea", body="", author=None, voter_id="other",
                   moderation="published", at=past)
    store.record_vote("shut", "placeholder", ["yes"], replace=False, at=past)


def _take_part(app: Flask):
    client = app.test_client()
    post = lambda path, body: client.post(path, json=body, headers={"Origin": ORIGIN})  # noqa: E731
    assert post("/api/polls/open/vote", {"choices": ["yes"]}).status_code == 200
    idea = post("/api/jams/j/ideas", {"title": f"My idea {SECRET_TEXT}",
                                      "body": f"Body {SECRET_TEXT}", "author": "Zelda Q"})
    assert idea.status_code == 201
    other = next(i for i in services_of(app).store.list_ideas("j")
                 if i.voter_id == "other")
    assert post(f"/api/jams/j/ideas/{other.id}/vote", {}).status_code == 200
    assert post("/api/surveys/s/responses",
                {"score": 3, "comment": f"Comment {SECRET_TEXT}"}).status_code == 201
    me = client.get("/api/me").get_json()
    voter = me["voter_id"]
    # A vote in the closed poll, as it was cast while the poll was open.
    services_of(app).store.record_vote("shut", voter, ["no"], replace=False,
                                                   at=datetime(2020, 1, 2, tzinfo=UTC))
    return client, voter


def test_erase_does_what_the_privacy_page_says(any_app: Flask) -> None:
    _arrange(any_app)
    store = services_of(any_app).store
    client, voter = _take_part(any_app)
    cookie = client.get_cookie("vh_voter").value
    assert SECRET_TEXT in client.get("/jams/j").get_data(as_text=True)
    store.grant_champion(Champion(voter, "1", "editor", datetime(2026, 1, 1, tzinfo=UTC)))
    assert client.get("/api/me").get_json()["champion"] is True

    response = client.delete("/api/me", headers={"Origin": ORIGIN})
    assert response.status_code == 200

    assert store.tally("open").total == 0
    assert store.tally("shut").total == 2  # closed: the result stands
    assert store.vote_of("shut", voter) is None
    assert store.code_of("pool", voter) is None and store.pool_stats()["pool"] == (2, 1)
    for page in ("/jams/j", "/api/jams/j", "/champions", "/api/champions"):
        text = any_app.test_client().get(page).get_data(as_text=True)
        assert SECRET_TEXT not in text and "Zelda" not in text, page
    replay = any_app.test_client()
    replay.set_cookie("vh_voter", cookie)
    data = replay.get("/api/me").get_json()
    assert {k: v for k, v in data.items() if k != "voter_id"} == {
        "votes": {}, "idea_votes": {}, "ideas": [], "responses": [], "rewards": {},
        "champion": False, "friends_brought": 0}
    assert not store.is_champion(voter) and store.list_champions() == []
    assert replay.get("/api/polls/open").get_json()["my_vote"] is None


def test_no_file_in_the_data_dir_keeps_the_voter(tmp_path: Path) -> None:
    settings, _ = make_settings("tinydb", tmp_path, snapshot_every=100_000)
    app = create_app(settings)
    try:
        _arrange(app)
        client, voter = _take_part(app)
        services_of(app).store.grant_champion(  # a champion's grant goes too
            Champion(voter, "1", "editor", datetime(2026, 1, 1, tzinfo=UTC)))
        files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
        assert any(voter.encode() in p.read_bytes() for p in files)  # the test can see it
        assert client.delete("/api/me", headers={"Origin": ORIGIN}).status_code == 200
        for path in settings.data_dir.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert voter.encode() not in data, path.name
                assert SECRET_TEXT.encode() not in data, path.name
                assert b"Zelda" not in data, path.name
    finally:
        services_of(app).store.close()
    reopened = create_app(settings)  # and the compacted store opens with the same results
    try:
        store = services_of(reopened).store
        assert store.tally("shut").total == 2 and store.tally("open").total == 0
        assert store.voter_data(voter)["ideas"] == []
        assert store.list_champions() == []
    finally:
        services_of(reopened).store.close()


def test_no_js_erase_is_rate_limited_like_the_api(tmp_path: Path) -> None:
    settings, _ = make_settings("memory", tmp_path, rate_limits="on")
    app = create_app(settings)
    try:
        client = app.test_client()
        statuses = [client.post("/me/erase", data={"confirm": "no"},
                                headers={"Origin": ORIGIN}) for _ in range(301)]
        assert all(r.status_code == 303 for r in statuses)  # the page shows the outcome
        assert "Retry-After" not in statuses[299].headers  # 300 a minute per address
        assert int(statuses[300].headers["Retry-After"]) >= 1
    finally:
        services_of(app).store.close()


def test_pages_of_a_voter_without_data_still_answer(any_app: Flask) -> None:
    client = any_app.test_client()
    api = client.get("/api/me")
    assert api.status_code == 404
    assert api.get_json()["error"] == {
        "code": "not_found",
        "message": "This browser has no voter receipt, so nothing is stored about it."}
    page = client.get("/me")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "This browser has no receipt, so nothing is stored about it." in \
        page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers and "Set-Cookie" not in api.headers
