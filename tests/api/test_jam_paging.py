"""Jam pages: ``limit``/``cursor``/``q`` on the API and on ``/jams/ID``, a cursor that keeps its
order while votes move, and every bad argument a 400."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain.paging import OrderCache
from pollserver.web.context import services_of
from tests.conftest import make_item

JAM = "/api/jams/big"
START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def ideas(store) -> list[str]:
    """A jam with 120 ideas; idea n has n % 7 votes; every third one mentions pickup."""
    store.sync_items([make_item("jam", url="/pages/say.html", id="big", title="Big jam",
                                prompt="Tell us.", votes_per_person=0)])
    ids = []
    for n in range(120):
        topic = "pickup locker" if n % 3 == 0 else "refill pouch"
        idea = store.add_idea("big", title=f"Idea {n:03} {topic}", body=f"Body {n}",
                              author=None, voter_id=None, moderation="published",
                              at=START + timedelta(minutes=n))
        ids.append(idea.id)
        for v in range(n % 7):
            store.vote_idea("big", idea.id, f"voter-{v}", budget=0, at=START)
    return ids


def walk(client, url: str, cursor: str | None = None) -> tuple[list[dict], list[dict]]:
    """Follow next_cursor to the end; return every idea seen and every page body."""
    sep = "&" if "?" in url else "?"
    pages = [client.get(f"{url}{sep}cursor={cursor}" if cursor else url).get_json()]
    while pages[-1]["next_cursor"] and len(pages) < 50:
        pages.append(client.get(f"{url}{sep}cursor={pages[-1]['next_cursor']}").get_json())
    return [i for p in pages for i in p["ideas"]], pages


def test_first_page_has_fifty_and_the_paging_fields(client, ideas):
    body = client.get(JAM).get_json()
    assert len(body["ideas"]) == 50 and body["limit"] == 50 and body["idea_count"] == 120
    assert body["q"] == "" and body["next_cursor"]
    assert body["id"] == "big" and body["votes_per_person"] == 0  # the contract's fields stay
    votes = [i["votes"] for i in body["ideas"]]
    assert votes == sorted(votes, reverse=True) and votes[0] == 6


@pytest.mark.parametrize("sort", ["top", "new"])
def test_walking_the_pages_lists_every_idea_once_in_order(client, ideas, sort):
    seen, pages = walk(client, f"{JAM}?sort={sort}&limit=25")
    assert [len(p["ideas"]) for p in pages] == [25, 25, 25, 25, 20]
    assert sorted(i["id"] for i in seen) == sorted(ideas)
    single = client.get(f"{JAM}?sort={sort}&limit=100").get_json()["ideas"]
    assert [i["id"] for i in seen[:100]] == [i["id"] for i in single]


def test_cursor_keeps_its_order_while_votes_move(client, store, ideas):
    first = client.get(f"{JAM}?limit=10").get_json()
    shown = [i["id"] for i in first["ideas"]]
    # An idea from the end of the list takes the lead, one from page 1 loses its place.
    climber = next(i for i in reversed(ideas) if i not in shown)
    for v in range(20):
        store.vote_idea("big", climber, f"fan-{v}", budget=0, at=START)
    rest, _ = walk(client, f"{JAM}?limit=10", first["next_cursor"])
    assert sorted(shown + [i["id"] for i in rest]) == sorted(ideas)  # none twice, none lost
    climbed = next(i for i in rest if i["id"] == climber)
    assert climbed["votes"] == 20 + ideas.index(climber) % 7  # today's count, kept place
    assert client.get(f"{JAM}?limit=10").get_json()["ideas"][0]["id"] == climber


def test_a_cursor_whose_order_is_gone_continues_after_its_last_idea(app, client, ideas):
    first = client.get(f"{JAM}?limit=10").get_json()
    services_of(app).jam_orders = OrderCache()  # another worker, or long ago
    second = client.get(f"{JAM}?limit=10&cursor={first['next_cursor']}").get_json()
    whole = client.get(f"{JAM}?limit=20").get_json()["ideas"]
    assert [i["id"] for i in second["ideas"]] == [i["id"] for i in whole[10:]]


def test_search_within_a_jam(client, ideas):
    body = client.get(f"{JAM}?q=PICKUP&limit=30").get_json()
    assert body["idea_count"] == 40 and body["q"] == "PICKUP"
    assert all("pickup" in i["title"] for i in body["ideas"]) and len(body["ideas"]) == 30
    seen, _ = walk(client, f"{JAM}?q=PICKUP&limit=30")
    assert len({i["id"] for i in seen}) == 40
    both = client.get(f"{JAM}?q=locker+idea+003").get_json()
    assert [i["title"] for i in both["ideas"]] == ["Idea 003 pickup locker"]
    none = client.get(f"{JAM}?q=espresso").get_json()
    assert none["ideas"] == [] and none["idea_count"] == 0 and none["next_cursor"] is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("query", [
    "limit=0", "limit=101", "limit=ten", "limit=-1", "cursor=%21%21%21", "cursor=" + "A" * 400,
    "cursor=" + _b64(b"[1,2]"), "cursor=" + _b64(b'{"o":null,"n":-5,"l":"x"}'),
    "cursor=" + _b64(b'{"o":null,"n":true,"l":"x"}'), "q=" + "x" * 201, "q=a%00b",
])
def test_bad_paging_arguments_are_400(client, ideas, query):
    response = client.get(f"{JAM}?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_server_page_shows_fifty_and_a_show_more_link_without_js(client, ideas):
    html = client.get("/jams/big").get_data(as_text=True)
    assert html.count('class="engage-idea"') + html.count('class="engage-idea ') == 50
    assert "Ideas (120)" in html
    more = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert more.startswith("/jams/big?sort=top&cursor=")
    page2 = client.get(more.split("#")[0]).get_data(as_text=True)
    assert page2.count('<li class="engage-idea') == 50 and "Back to the first ideas" in page2
    # A vote from page 2 comes back to page 2.
    assert re.search(r'name="next" value="/jams/big\?sort=top&amp;cursor=', page2)
    found = client.get("/jams/big?q=pickup").get_data(as_text=True)
    assert "40 ideas match" in found and found.count('<li class="engage-idea') == 40
    assert 'rel="next"' not in found


def test_server_page_ignores_a_mangled_cursor(client, ideas):
    response = client.get("/jams/big?cursor=%21%21")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('<li class="engage-idea') == 50
