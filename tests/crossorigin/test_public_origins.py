"""The static site on another host: listed origins may call the API with the voter cookie
(CORS with credentials) and post forms, which go back to that host; others stay refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pollserver.config import Settings
from tests.conftest import make_item

SITE = "http://127.0.0.1:8301"
OTHER = "http://evil.example"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, public_origins=(SITE,))


@pytest.fixture
def poll(store) -> str:
    store.sync_items([make_item("poll", url="/news/poll.html", id="p", question="Which day?",
                                options=["monday", "friday"])])
    return "p"


def test_settings_read_the_list():
    got = Settings.from_env({"POLLSERVER_PUBLIC_ORIGINS": "https://www.a.example/, "
                                                          "http://127.0.0.1:8301"})
    assert got.public_origins == ("https://www.a.example", "http://127.0.0.1:8301")


def test_listed_origin_votes_with_credentials_cors(client, poll, store):
    pre = client.options("/api/polls/p/vote", headers={
        "Origin": SITE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == SITE
    assert pre.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    vote = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                       headers={"Origin": SITE})
    assert vote.status_code == 200
    assert vote.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in vote.headers["Vary"]
    assert store.tally("p").total == 1
    got = client.get("/api/polls/p", headers={"Origin": SITE})
    assert got.get_json()["my_vote"] == ["friday"]  # the cookie came along: the same voter


def test_other_origins_get_no_cors_and_cannot_vote(client, poll, store):
    got = client.get("/api/polls/p", headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in got.headers
    vote = client.post("/api/polls/p/vote", json={"choices": ["friday"]},
                       headers={"Origin": OTHER})
    assert vote.status_code == 403 and store.tally("p").total == 0


def test_no_js_form_goes_back_to_the_site_host(client, poll, store):
    posted = client.post("/api/polls/p/vote", data={"choices": "monday"},
                         headers={"Origin": SITE})
    assert posted.status_code == 303
    assert posted.headers["Location"] == f"{SITE}/news/poll.html#poll-p-voted"
    own = client.post("/api/polls/p/vote", data={"choices": "friday"},
                      headers={"Origin": "http://localhost"})
    assert own.status_code == 303 and own.headers["Location"] == "/news/poll.html#poll-p"
    assert store.tally("p").total == 1  # the second post replaced nothing: one voter
