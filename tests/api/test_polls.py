"""Poll API: reading, voting, every error status, no-JS form posts, rewards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.web.context import services_of
from tests.conftest import ORIGIN, make_item


@pytest.fixture
def poll(store):
    """An open poll with three options, results after voting."""
    store.sync_items([make_item("poll", id="delivery-day", question="Which day?",
                                options=["Monday", "Wednesday", "Saturday"])])
    return "delivery-day"


def test_get_poll_hides_results_until_voted(client, poll):
    body = client.get(f"/api/polls/{poll}").get_json()
    assert body["id"] == poll
    assert [o["key"] for o in body["options"]] == ["monday", "wednesday", "saturday"]
    assert body["open"] is True
    assert body["results"] is None and body["my_vote"] is None
    assert body["results_visibility"] == "after-vote"


def test_vote_counts_once_and_shows_results(voter, poll):
    response = voter.vote(poll, "wednesday")
    assert response.status_code == 200
    body = response.get_json()
    assert body["my_vote"] == ["wednesday"]
    assert body["results"] == {"total": 1, "counts": {"monday": 0, "wednesday": 1,
                                                       "saturday": 0}}
    again = voter.vote(poll, "monday")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_voted"


def test_voter_cookie_flags(voter, poll):
    response = voter.vote(poll, "monday")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("vh_voter=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_https_uses_host_prefixed_secure_cookie(client, poll):
    response = client.post(f"/api/polls/{poll}/vote", json={"choices": ["monday"]},
                           base_url="https://hub.example",
                           headers={"Origin": "https://hub.example"})
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-vh_voter=") and "Secure" in cookie and "Path=/" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_changeable_poll_moves_counts(store, voter):
    store.sync_items([make_item("poll", id="flip", question="Q?", options=["A", "B"],
                                changeable=True, results="always")])
    voter.vote("flip", "a")
    body = voter.vote("flip", "b").get_json()
    assert body["results"] == {"total": 1, "counts": {"a": 0, "b": 1}}


def test_multiple_choice_limit(store, voter):
    store.sync_items([make_item("poll", id="multi", question="Q?", options=["A", "B", "C"],
                                max_choices=2)])
    assert voter.vote("multi", "a", "b", "c").status_code == 400
    response = voter.vote("multi", "c", "a")
    assert response.status_code == 200
    assert response.get_json()["my_vote"] == ["a", "c"]


@pytest.mark.parametrize("payload, code", [
    ({"choices": ["sunday"]}, "invalid_choice"),
    ({"choices": []}, "invalid_choice"),
    ({"choices": "monday"}, "invalid_choice"),
    ({"choices": ["monday", "monday"]}, "invalid_choice"),
    ({}, "invalid_choice"),
])
def test_bad_choices_are_400(client, poll, payload, code):
    response = client.post(f"/api/polls/{poll}/vote", json=payload, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_unknown_poll_is_404(voter):
    response = voter.vote("nope", "a")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_closed_and_not_yet_open(store, voter, clock):
    store.sync_items([make_item("poll", id="later", question="Q?", options=["A", "B"],
                                opens=clock.now + timedelta(days=1),
                                closes=clock.now + timedelta(days=2))])
    response = voter.vote("later", "a")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409,
                                                                             "poll_not_open")
    clock.now += timedelta(days=3)
    response = voter.vote("later", "a")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "poll_closed")


def test_early_close_by_editor(store, voter, clock):
    store.sync_items([make_item("poll", id="p", question="Q?", options=["A", "B"])])
    store.set_closed_at("poll", "p", clock.now - timedelta(seconds=1))
    assert voter.vote("p", "a").get_json()["error"]["code"] == "poll_closed"


def test_malformed_json_is_400(client, poll):
    response = client.post(f"/api/polls/{poll}/vote", data="{nope",
                           content_type="application/json", headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_wrong_content_type_is_415(client, poll):
    response = client.post(f"/api/polls/{poll}/vote", data="choices=monday",
                           content_type="text/plain", headers={"Origin": ORIGIN})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_body_over_16k_is_413(client, poll):
    response = client.post(f"/api/polls/{poll}/vote", data="x" * 17_000,
                           content_type="application/json", headers={"Origin": ORIGIN})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {},
])
def test_cross_origin_post_is_403(client, poll, store, headers):
    response = client.post(f"/api/polls/{poll}/vote", json={"choices": ["monday"]},
                           headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_origin"
    assert store.tally(poll).total == 0


def test_same_origin_fetch_metadata_without_origin_is_accepted(client, poll):
    response = client.post(f"/api/polls/{poll}/vote", json={"choices": ["monday"]},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200


def test_get_on_vote_url_is_405(client, poll):
    response = client.get(f"/api/polls/{poll}/vote")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_no_js_form_vote_redirects_back_with_message(voter, poll, store):
    response = voter.vote_form(poll, "saturday")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/news/article.html#poll-delivery-day")
    assert "vh_flash=" in " ".join(response.headers.getlist("Set-Cookie"))
    assert store.tally(poll).counts == {"saturday": 1}


def test_no_js_form_error_redirects_with_error(voter, poll, store):
    voter.vote_form(poll, "saturday")
    response = voter.vote_form(poll, "monday")
    assert response.status_code == 303
    assert store.tally(poll).counts == {"saturday": 1}


def test_reward_code_once_and_empty_pool(store, new_voter):
    store.sync_items([make_item("poll", id="r", question="Q?", options=["A", "B"],
                                reward="winter")])
    store.add_codes("winter", ["CODE-1"])
    first, second = new_voter(), new_voter()
    body = first.vote("r", "a").get_json()
    assert body["reward"]["code"] == "CODE-1"
    assert first.client.get("/api/polls/r").get_json()["reward"]["code"] == "CODE-1"
    body = second.vote("r", "b").get_json()
    assert body["reward"]["code"] is None and body["reward"]["status"] == "empty"
    assert store.tally("r").total == 2


def test_rate_limit_is_429_with_retry_after(tmp_path, poll):
    from pollserver import create_app
    from pollserver.config import Settings

    app = create_app(Settings(data_dir=tmp_path, site_dir=None, rate_limits="3/minute",
                              secret_key="k", extra={"store": "memory"}))
    services_of(app).store.sync_items(
        [make_item("poll", id="p", question="Q?", options=["A", "B"], changeable=True)])
    client = app.test_client()
    statuses = [client.post("/api/polls/p/vote", json={"choices": ["a"]},
                            headers={"Origin": ORIGIN}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.post("/api/polls/p/vote", json={"choices": ["a"]},
                           headers={"Origin": ORIGIN})
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
