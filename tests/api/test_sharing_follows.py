"""A friend who arrives by a share link and whose first write is a follow credits the sharer
when they press the confirm page's button: once, never for asking alone, never for a reader
who already had a cookie, never from the sharer's own address, and not after erase."""

from __future__ import annotations

import pytest

from pollserver.api.sharing import HEADER
from tests.conftest import ORIGIN, make_item

FRIEND = {"REMOTE_ADDR": "127.0.0.2"}
OWN = {"REMOTE_ADDR": "127.0.0.1"}  # the sharer's address (the test client's own)


@pytest.fixture
def sharer(app, store):
    store.sync_items([make_item("poll", id="p1", question="One?", options=["a", "b"])])
    client = app.test_client()
    assert client.post("/api/polls/p1/vote", json={"choices": ["a"]},
                       headers={"Origin": ORIGIN}).status_code == 200
    return client


def token_of(client) -> str:
    return client.get("/api/share").get_json()["token"]


def friends(client) -> int:
    return client.get("/api/me").get_json()["friends_brought"]


def follow(client, via=None, environ=None, form=False):
    body = {"kind": "poll", "id": "p1", "email": "friend@example.org"}
    headers = {"Origin": ORIGIN, **({HEADER: via} if via and not form else {})}
    if form:
        return client.post("/api/follows", data={**body, "via": via}, headers=headers,
                           environ_base=environ or FRIEND)
    return client.post("/api/follows", json=body, headers=headers,
                       environ_base=environ or FRIEND)


def confirm_token(store) -> str:
    return str(store.list_events(types={"follow.requested"}, limit=1)[0].data["token"])


def confirm(token, client, environ=None):
    return client.post(f"/follows/confirm/{token}", headers={"Origin": ORIGIN},
                       environ_base=environ or FRIEND)


def test_a_confirmed_follow_credits_the_sharer_once(app, sharer, store):
    friend = app.test_client()
    assert follow(friend, token_of(sharer)).status_code == 202
    assert friends(sharer) == 0  # asking is not the write: confirming is
    link = confirm_token(store)
    assert app.test_client().get(f"/follows/confirm/{link}").status_code == 200
    assert friends(sharer) == 0  # the page a mail scanner opens credits nothing
    # The mail is opened on another device: the confirm page needs no cookie.
    assert confirm(link, app.test_client()).status_code == 200
    assert friends(sharer) == 1
    assert confirm(link, app.test_client()).status_code == 200
    assert follow(friend, token_of(sharer)).status_code == 202  # a second follow: not new
    confirm(confirm_token(store), friend)
    assert friends(sharer) == 1


def test_the_no_js_follow_form_carries_via(app, sharer, store):
    assert follow(app.test_client(), token_of(sharer), form=True).status_code == 303
    confirm(confirm_token(store), app.test_client())
    assert friends(sharer) == 1


def test_no_credit_for_a_reader_who_had_taken_part_or_the_sharer_s_own_browser(
        app, sharer, store):
    token = token_of(sharer)
    voter = app.test_client()
    voter.post("/api/polls/p1/vote", json={"choices": ["b"]}, headers={"Origin": ORIGIN},
               environ_base=FRIEND)
    follow(voter, token)
    confirm(confirm_token(store), voter)
    follow(app.test_client(), token, environ=OWN)  # the sharer's address: their own browser
    confirm(confirm_token(store), app.test_client(), environ=OWN)
    assert friends(sharer) == 0


def test_erase_before_confirming_forgets_the_token(app, sharer, store):
    friend = app.test_client()
    follow(friend, token_of(sharer))
    link = confirm_token(store)
    assert friend.delete("/api/me", headers={"Origin": ORIGIN}).status_code == 200
    assert confirm(link, app.test_client()).status_code == 410
    assert all("via" not in e.data for e in store.list_events(types={"follow.requested"}))
    assert friends(sharer) == 0


def test_the_api_confirmation_credits_too(app, sharer, store):
    follow(app.test_client(), token_of(sharer))
    confirmed = app.test_client().post("/api/follows/confirm", json={"token": confirm_token(store)},
                                       headers={"Origin": ORIGIN}, environ_base=FRIEND)
    assert confirmed.status_code == 200
    assert friends(sharer) == 1
