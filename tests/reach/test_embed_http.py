"""Embeds at the HTTP level: listed origins get the script, CORS and framing; others are
refused; the embed's voter token keeps one vote per person without any cookie."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pollserver.config import Settings
from tests.conftest import make_item

LISTED = "http://127.0.0.1:8401"
UNLISTED = "http://127.0.0.1:8402"
TOKEN = "X-Valuehub-Voter"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, embed_origins=(LISTED,))


@pytest.fixture
def poll(store) -> str:
    store.sync_items([make_item("poll", id="p", question="Which day?",
                                options=["monday", "friday"])])
    return "p"


def test_setting_reads_the_list():
    got = Settings.from_env({"POLLSERVER_EMBED_ORIGINS": "https://shop.a.example/ http://x:1"})
    assert got.embed_origins == ("https://shop.a.example", "http://x:1")
    assert Settings.from_env({}).embed_origins == ()


def test_script_is_readable_by_listed_origins_only(client):
    listed = client.get("/embed.js", headers={"Origin": LISTED})
    assert listed.status_code == 200 and listed.mimetype == "text/javascript"
    assert listed.headers["Access-Control-Allow-Origin"] == LISTED
    assert "Origin" in listed.headers["Vary"]
    unlisted = client.get("/embed.js", headers={"Origin": UNLISTED})
    assert "Access-Control-Allow-Origin" not in unlisted.headers
    assert b"customElements.define" in listed.data


def test_listed_origin_votes_with_a_token_not_a_cookie(client, poll, store):
    pre = client.options("/api/polls/p/vote", headers={
        "Origin": LISTED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-valuehub-voter"})
    assert pre.headers["Access-Control-Allow-Origin"] == LISTED
    assert TOKEN in pre.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in pre.headers
    first = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                        headers={"Origin": LISTED, TOKEN: "-"})
    assert first.status_code == 200, first.get_json()
    assert first.headers["Access-Control-Allow-Origin"] == LISTED
    assert TOKEN in first.headers["Access-Control-Expose-Headers"]
    token = first.headers[TOKEN]
    assert "Set-Cookie" not in first.headers  # cookies are the hub's, not the embed's
    again = client.post("/api/polls/p/vote", json={"choices": ["monday"]},
                        headers={"Origin": LISTED, TOKEN: token})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_voted"
    mine = client.get("/api/polls/p", headers={"Origin": LISTED, TOKEN: token}).get_json()
    assert mine["my_vote"] == ["friday"] and mine["results"]["total"] == 1
    assert store.tally("p").total == 1


def test_unlisted_origin_is_refused(client, poll, store):
    got = client.get("/api/polls/p", headers={"Origin": UNLISTED, TOKEN: "-"})
    assert "Access-Control-Allow-Origin" not in got.headers
    vote = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                       headers={"Origin": UNLISTED, TOKEN: "-"})
    assert vote.status_code == 403 and vote.get_json()["error"]["code"] == "forbidden_origin"
    assert store.tally("p").total == 0


def test_the_token_opens_only_the_item_endpoints(client, poll):
    first = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                        headers={"Origin": LISTED, TOKEN: "-"})
    token = first.headers[TOKEN]
    assert client.get("/api/me", headers={TOKEN: token}).status_code == 404  # no export
    assert client.delete("/api/me", headers={"Origin": "http://localhost", TOKEN: token}
                         ).status_code in (401, 404)  # nor erase


def test_listed_embed_origin_reaches_only_item_endpoints(client, poll):
    me = client.delete("/api/me", headers={"Origin": LISTED})
    assert me.status_code == 403
    assert "Access-Control-Allow-Origin" not in client.get(
        "/api/me", headers={"Origin": LISTED}).headers


def test_a_forged_token_is_a_new_voter_and_the_token_is_not_a_cookie(client, poll, store):
    first = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                        headers={"Origin": LISTED, TOKEN: "-"})
    token = first.headers[TOKEN]
    forged = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                         headers={"Origin": LISTED, TOKEN: token[:-2] + "xx"})
    assert forged.status_code == 200 and forged.headers[TOKEN] != token
    client.set_cookie("vh_voter", token)  # the token does not work as the hub's cookie
    assert client.get("/api/polls/p").get_json()["my_vote"] is None
    assert store.tally("p").total == 2


def test_iframe_page_names_the_listed_framers(client, poll):
    page = client.get("/embed/poll/p")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {LISTED}" in csp
    assert "script-src 'self'" in csp and UNLISTED not in csp
    assert "X-Frame-Options" not in page.headers
    assert b'<valuehub-poll poll="p" lang="en">' in page.data and b'name="choices"' in page.data


def test_other_pages_still_refuse_framing(client, poll):
    page = client.get("/vote/poll/p")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_iframe_form_votes_without_javascript(client, poll, store):
    done = client.post("/embed/poll/p", data={"choices": "monday"},
                       headers={"Origin": "http://localhost"})
    assert done.status_code == 200 and b"your vote is counted" in done.data
    assert store.tally("p").counts.get("monday") == 1
    again = client.post("/embed/poll/p", data={"choices": "friday"},
                        headers={"Origin": "http://localhost"})
    assert again.status_code == 409 and store.tally("p").total == 1
    foreign = client.post("/embed/poll/p", data={"choices": "friday"},
                          headers={"Origin": LISTED})
    assert foreign.status_code == 403


def test_iframe_of_unknown_items_is_404(client, poll):
    assert client.get("/embed/poll/nope").status_code == 404
    assert client.get("/embed/quiz/p").status_code == 404


def test_embed_script_fits_the_budget(client):
    """embed.js holds the element base and all three widgets: the whole is the budget's
    "embed.js plus one widget" and must stay under 15 KB compressed."""
    import gzip

    script = client.get("/embed.js").data
    assert len(gzip.compress(script, compresslevel=9)) <= 15 * 1024
    assert b"innerHTML" not in script  # reader text goes in as text nodes
    assert b"http://" not in script and b"https://" not in script.replace(
        b"https://ENGAGE", b"")  # it calls only the origin it came from

