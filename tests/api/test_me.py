"""Data rights: a voter downloads and erases what is stored about their receipt."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ORIGIN, make_item


def test_me_without_receipt_is_404(client):
    response = client.get("/api/me")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_export_and_erase(store, voter, new_voter, clock):
    store.sync_items([
        make_item("poll", id="open-poll", question="Q?", options=["A", "B"]),
        make_item("poll", id="closed-poll", question="Q?", options=["A", "B"],
                  closes=clock.now + timedelta(hours=1)),
    ])
    voter.vote("open-poll", "a")
    voter.vote("closed-poll", "b")
    other = new_voter()
    other.vote("open-poll", "b")
    data = voter.client.get("/api/me").get_json()
    assert data["votes"] == {"open-poll": ["a"], "closed-poll": ["b"]}

    clock.now += timedelta(hours=2)  # closed-poll is now closed: its result stays
    response = voter.delete("/api/me")
    assert response.status_code == 200
    assert response.get_json()["erased"]["votes"] == 1
    assert "vh_voter=;" in " ".join(response.headers.getlist("Set-Cookie"))
    assert store.tally("open-poll").counts == {"b": 1}
    assert store.tally("closed-poll").counts == {"b": 1}


def test_erase_needs_same_origin(client, voter, store):
    store.sync_items([make_item("poll", id="p", question="Q?", options=["A", "B"])])
    voter.vote("p", "a")
    response = client.delete("/api/me", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert store.tally("p").total == 1


def test_me_page_erase_form(client, voter, store):
    store.sync_items([make_item("poll", id="p", question="Q?", options=["A", "B"])])
    voter.vote("p", "a")
    page = client.get("/me")
    assert page.status_code == 200 and b"Erase my data" in page.data
    response = client.post("/me/erase", data={"confirm": "yes"}, headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert store.tally("p").total == 0
