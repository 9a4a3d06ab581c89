"""Claims over HTTP: an offer hands each reader one unique code, the same one again on a
repeat, 410 ``claim_gone`` when none are left or the offer ended, and works as a plain form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.web import flash
from tests.conftest import ORIGIN, make_item
from tests.instant import TEST_NOW

CLOSES = (TEST_NOW + timedelta(days=10)).isoformat()


@pytest.fixture
def offer(store):
    store.sync_items([make_item("claim", url="/offers/kit.html", id="kit", pool="tins",
                                closes=CLOSES)])
    store.add_codes("tins", [f"TIN-{n}" for n in range(5)])
    return "kit"


def claim(voter, claim_id="kit"):
    return voter.post(f"/api/claims/{claim_id}", json={})


def test_get_claim_shows_the_stock_and_the_end(client, offer):
    data = client.get("/api/claims/kit").get_json()
    assert (data["left"], data["total"], data["open"], data["my_code"]) == (5, 5, True, None)
    assert data["closes"].startswith(CLOSES[:10])


def test_a_claim_is_201_with_a_code_and_the_same_code_again(voter, client, offer):
    first = claim(voter)
    assert first.status_code == 201
    code = first.get_json()["code"]
    assert code.startswith("TIN-")
    again = claim(voter)
    assert again.status_code == 201 and again.get_json()["code"] == code
    data = client.get("/api/claims/kit").get_json()
    assert (data["my_code"], data["left"]) == (code, 4)


def test_five_readers_five_codes_the_sixth_gets_410(new_voter, store, offer):
    codes = [claim(new_voter()).get_json()["code"] for _ in range(5)]
    assert sorted(codes) == [f"TIN-{n}" for n in range(5)]
    sixth = claim(new_voter())
    assert sixth.status_code == 410
    assert sixth.get_json()["error"]["code"] == "claim_gone"
    assert "set-cookie" not in {k.lower() for k in sixth.headers.keys()}
    assert store.pool_stats()["tins"] == (5, 5)


def test_an_ended_offer_is_gone_but_a_holder_keeps_their_code(voter, new_voter, clock, offer):
    code = claim(voter).get_json()["code"]
    clock.now = TEST_NOW + timedelta(days=11)
    late = claim(new_voter())
    assert late.status_code == 410 and late.get_json()["error"]["code"] == "claim_gone"
    assert claim(voter).get_json()["code"] == code


def test_an_offer_not_started_is_409(new_voter, store):
    store.sync_items([make_item("claim", id="soon", pool="tins", closes=CLOSES,
                                opens=(TEST_NOW + timedelta(days=1)).isoformat())])
    store.add_codes("tins", ["A"])
    response = claim(new_voter(), "soon")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "poll_not_open"


def test_unknown_claim_is_404(voter, client, offer):
    assert client.get("/api/claims/nope").status_code == 404
    response = claim(voter, "nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_claim_is_the_claim_made_event_once(voter, store, offer):
    claim(voter)
    claim(voter)
    made = [e for e in store.list_events() if e.type == "claim.made"]
    assert len(made) == 1
    assert made[0].data == {"id": "kit", "pool": "tins"}


def test_without_javascript_the_form_posts_and_comes_back_with_the_code(app, client, store,
                                                                         offer):
    response = client.post("/api/claims/kit", data={"claim": "1"}, headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/offers/kit.html#claim-kit")
    assert store.pool_stats()["tins"] == (5, 1)
    data = client.get("/api/claims/kit").get_json()
    assert data["my_code"].startswith("TIN-")
    cookie = client.get_cookie(flash.COOKIE)
    assert cookie is not None
    with app.test_request_context(headers={"Cookie": f"{flash.COOKIE}={cookie.value}"}):
        shown = flash.read()
    assert shown is not None and shown["ok"] and data["my_code"] in shown["m"]


def test_a_gone_claim_by_form_comes_back_with_the_message(new_voter, client, offer):
    for _ in range(5):
        claim(new_voter())
    response = client.post("/api/claims/kit", data={"claim": "1"}, headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#claim-kit")
