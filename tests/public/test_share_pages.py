"""Share links on the server pages without JavaScript: ``/jams/ID`` and ``/ideas/...`` show a
reader who has taken part their own ``?via=`` link (nobody else gets one, nor a cookie), and
asked for with ``?via=`` they put the token in their forms, so a newcomer's first no-JS vote
or follow credits the sharer."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ORIGIN, make_item

FRIEND = {"REMOTE_ADDR": "127.0.0.2"}


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", url="/pages/have-your-say.html", id="build-next",
                                title="What next?", prompt="Ideas?")])
    return "build-next"


def token_of(client) -> str:
    return client.get("/api/share").get_json()["token"]


def test_a_reader_who_took_part_sees_their_share_link_on_the_jam_page(app, jam):
    reader = app.test_client()
    first = reader.get(f"/jams/{jam}")
    assert "data-share-link" not in first.get_data(as_text=True)
    assert first.headers.get("Set-Cookie") is None  # reading makes no voter
    reader.post(f"/api/jams/{jam}/ideas", json={"title": "Refill pouches", "body": ""},
                headers={"Origin": ORIGIN})
    token = token_of(reader)
    html = reader.get(f"/jams/{jam}").get_data(as_text=True)
    assert f'href="http://localhost/jams/{jam}?via={token}"' in html
    idea = reader.get(f"/ideas/{jam}/1")
    assert f"/ideas/{jam}/1?via={token}" in idea.get_data(as_text=True)
    assert idea.headers["Referrer-Policy"] == "same-origin"
    assert "?via=" not in app.test_client().get(f"/ideas/{jam}/1").get_data(as_text=True)


def test_a_page_asked_for_with_via_carries_it_to_a_newcomer_s_no_js_vote(app, jam):
    sharer = app.test_client()
    sharer.post(f"/api/jams/{jam}/ideas", json={"title": "Refill pouches", "body": ""},
                headers={"Origin": ORIGIN})
    token = token_of(sharer)
    friend = app.test_client()
    for page in (f"/jams/{jam}?via={token}", f"/ideas/{jam}/1?via={token}"):
        html = friend.get(page, environ_base=FRIEND).get_data(as_text=True)
        forms = re.findall(r'<form method="post" action="/api/[^"]*"[^>]*>', html)
        marked = html.count(f'<input type="hidden" name="via" value="{token}">')
        assert forms and marked == len(forms), page
    fields = {"next": f"/jams/{jam}", "via": token}
    voted = friend.post(f"/api/jams/{jam}/ideas/1/vote", data=fields,
                        headers={"Origin": ORIGIN}, environ_base=FRIEND)
    assert voted.status_code == 303
    assert sharer.get("/api/me").get_json()["friends_brought"] == 1
    assert 'name="via"' not in friend.get(f"/jams/{jam}?via=bad").get_data(as_text=True)
