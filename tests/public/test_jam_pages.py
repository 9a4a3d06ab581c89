"""The server-rendered jam page and champions page: content, forms, escaping, no-JS flow."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ORIGIN, make_item

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def jam(store):
    store.sync_items([make_item("jam", url="/pages/have-your-say.html", id="build-next",
                                title="What next?", prompt="First paragraph.\n\nSecond one.")])
    return "build-next"


def test_page_lists_ideas_with_forms(voter, jam):
    voter.post(f"/api/jams/{jam}/ideas", json={"title": "Refill pouches", "body": "*less* tin"})
    response = voter.client.get(f"/jams/{jam}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    html = response.get_data(as_text=True)
    assert "<h1 id=\"jam-title\">What next?</h1>" in html
    assert "Second one." in html and "<em>less</em> tin" in html
    assert 'action="/api/jams/build-next/ideas/1/vote"' in html
    assert 'name="next" value="/jams/build-next?sort=top"' in html
    assert 'name="website"' in html and "3</strong> of 3 votes left" in html
    assert 'href="/theme/css/main.css"' in html and 'href="/theme/css/engage.css"' in html
    assert "<script" not in html and "style=" not in html


def test_user_text_is_escaped(voter, jam):
    voter.post(f"/api/jams/{jam}/ideas", json={"title": XSS, "body": XSS, "author": XSS})
    html = voter.client.get(f"/jams/{jam}").get_data(as_text=True)
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_js_vote_unvote_round_trip(voter, jam, store):
    voter.post(f"/api/jams/{jam}/ideas", json={"title": "Refill pouches", "body": ""})
    voted = voter.client.post(f"/api/jams/{jam}/ideas/1/vote",
                              data={"next": f"/jams/{jam}?sort=new"}, headers={"Origin": ORIGIN})
    assert voted.status_code == 303 and voted.location == f"/jams/{jam}?sort=new#idea-1"
    page = voter.client.get(voted.location.split("#")[0])
    html = page.get_data(as_text=True)
    assert "Thanks, your vote counted." in html and "Take back my vote" in html
    assert "vh_flash=;" in page.headers.get("Set-Cookie", "")  # shown once, then cleared
    assert "Thanks, your vote counted." not in voter.client.get(f"/jams/{jam}").get_data(
        as_text=True)
    voter.client.post(f"/api/jams/{jam}/ideas/1/vote",
                      data={"_method": "DELETE", "next": f"/jams/{jam}"},
                      headers={"Origin": ORIGIN})
    assert store.get_idea("1").votes == 0


def test_unknown_jam_is_html_404(client):
    response = client.get("/jams/nope")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_champions_page(voter, jam):
    voter.post(f"/api/jams/{jam}/ideas", json={"title": "Named idea", "author": XSS})
    html = voter.client.get("/champions").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and XSS not in html
    assert re.search(r"<td>0</td><td>1</td><td>0</td><td>0</td>", html)  # no points alone
