"""Survey API: read, answer (JSON and no-JS form), one answer per voter, rewards for all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ORIGIN, make_item

LINKS = [{"name": "Trustpilot", "url": "https://trustpilot.example/r"},
         {"name": "Google", "url": "https://g.example/r"}]


@pytest.fixture
def survey(store):
    store.sync_items([make_item(
        "survey", url="/news/survey.html", id="nps", review_links=LINKS,
        followups={"promoter": "What do you like most?", "detractor": "What went wrong?"},
        support_url="/support/help.html", share_text="Try Tallowmere")])
    return "nps"


@pytest.fixture
def rewarded(store):
    store.sync_items([make_item("survey", id="thanks", reward="survey-codes")])
    store.add_codes("survey-codes", [f"CODE-{n:02d}" for n in range(20)])
    return "thanks"


def answer(voter, survey_id, **body):
    return voter.post(f"/api/surveys/{survey_id}/responses", json=body)


def test_get_survey(client, survey):
    response = client.get("/api/surveys/nps")
    assert response.status_code == 200
    data = response.get_json()
    assert data["question"] == "How likely are you to recommend us to a friend?"
    assert data["followups"]["detractor"] == "What went wrong?"
    assert data["review_links"] == LINKS
    assert data["open"] is True and data["my_response"] is None


def test_unknown_survey_404(client):
    response = client.get("/api/surveys/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_promoter_answer_201_shape(voter, survey):
    response = answer(voter, survey, score=10, comment="Lovely soap", consent_to_quote=True)
    assert response.status_code == 201
    data = response.get_json()
    assert data["category"] == "promoter"
    assert data["invite"]["review_links"] == LINKS
    assert data["invite"]["share"]["text"] == "Lovely soap"
    assert {link["name"] for link in data["invite"]["share"]["links"]} == {
        "Email", "Mastodon", "LinkedIn", "X"}
    assert data["invite"]["support_url"] is None
    assert data["reward"] is None
    mine = voter.client.get("/api/surveys/nps").get_json()["my_response"]
    assert mine["score"] == 10 and mine["category"] == "promoter"


def test_detractor_gets_same_review_links_and_support(voter, survey):
    data = answer(voter, survey, score=2, comment="late").get_json()
    assert data["category"] == "detractor"
    assert data["invite"]["review_links"] == LINKS
    assert data["invite"]["share"] is None
    assert data["invite"]["support_url"] == "/support/help.html"


def test_review_links_identical_for_every_score(new_voter, survey):
    invites = [answer(new_voter(), survey, score=s).get_json()["invite"]["review_links"]
               for s in range(11)]
    assert all(found == LINKS for found in invites)


@pytest.mark.parametrize("score", [-1, 11, 7.5, "7.5", "ten", None, True])
def test_bad_score_400(voter, survey, score):
    response = answer(voter, survey, score=score)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["field"] == "score"


def test_missing_score_and_long_comment_400(voter, survey):
    assert answer(voter, survey).status_code == 400
    response = answer(voter, survey, score=5, comment="x" * 2001)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "comment"


def test_second_answer_409(voter, survey, store):
    assert answer(voter, survey, score=8).status_code == 201
    response = answer(voter, survey, score=9)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_voted"
    assert [r.score for r in store.list_responses("nps")] == [8]


def test_closed_and_not_open_409(voter, store, clock):
    store.sync_items([
        make_item("survey", id="old", closes=clock.now - timedelta(days=1),
                  opens=clock.now - timedelta(days=9)),
        make_item("survey", id="soon", opens=clock.now + timedelta(days=1)),
    ])
    assert answer(voter, "old", score=9).get_json()["error"]["code"] == "poll_closed"
    response = answer(voter, "soon", score=9)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "poll_not_open"


def test_form_post_303_to_thanks(client, survey, store):
    response = client.post("/api/surveys/nps/responses",
                           data={"score": "7", "comment": "ok", "consent_to_quote": "true"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/news/survey.html#survey-nps-thanks")
    stored = store.list_responses("nps")[0]
    assert (stored.score, stored.category, stored.consent_to_quote) == (7, "passive", True)


def test_form_post_error_303_back(client, survey):
    response = client.post("/api/surveys/nps/responses", data={"score": "12"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert "#survey-nps" in response.headers["Location"]


def test_cross_origin_refused(client, survey):
    response = client.post("/api/surveys/nps/responses", json={"score": 9},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_reward_to_every_score(new_voter, rewarded, store):
    codes = set()
    for score in range(11):
        data = answer(new_voter(), rewarded, score=score).get_json()
        assert data["reward"]["status"] == "claimed", score
        codes.add(data["reward"]["code"])
    assert len(codes) == 11
    assert store.pool_stats()["survey-codes"] == (20, 11)
