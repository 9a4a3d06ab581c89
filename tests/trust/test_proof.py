"""Proof of work on ideas, follow requests and survey comments; replay; the no-JS time check."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from pollserver.web.context import services_of
from tests.conftest import ORIGIN, VoterActions
from tests.trust.conftest import idea, solve


def _actor(app: Flask) -> VoterActions:
    return VoterActions(app.test_client())


def test_a_raw_call_without_a_solution_is_refused(guarded: Flask) -> None:
    response = idea(_actor(guarded), "Dark mode please")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "proof_required"
    assert services_of(guarded).store.list_ideas("j") == []


def test_a_solved_challenge_lets_the_idea_through_once(guarded: Flask) -> None:
    actor = _actor(guarded)
    proof = solve(actor.client, "jam:j")
    first = idea(actor, "Dark mode please", proof=proof)
    assert first.status_code == 201 and first.get_json()["status"] == "published"
    replayed = idea(_actor(guarded), "Another idea here", proof=proof)
    assert replayed.status_code == 400
    assert replayed.get_json()["error"]["code"] == "proof_required"
    assert [i.title for i in services_of(guarded).store.list_ideas("j")] == ["Dark mode please"]


def test_a_forged_number_or_another_item_is_refused(guarded: Flask) -> None:
    actor = _actor(guarded)
    other = solve(actor.client, "jam:first")
    assert idea(actor, "Dark mode please", proof=other).status_code == 400
    assert idea(actor, "Dark mode please", proof="bm90IGEgcHJvb2Y=").status_code == 400


def test_an_expired_solution_is_refused(guarded: Flask) -> None:
    actor = _actor(guarded)
    proof = solve(actor.client, "jam:j")
    services_of(guarded).clock.now += timedelta(minutes=31)  # type: ignore[union-attr]
    assert idea(actor, "Dark mode please", proof=proof).status_code == 400


def test_follows_and_survey_comments_need_it_too(guarded: Flask) -> None:
    actor = _actor(guarded)
    follow = {"kind": "jam", "id": "j", "email": "reader@example.org"}
    assert actor.post("/api/follows", json=follow).status_code == 400
    assert actor.post("/api/follows", json={**follow, "altcha": solve(actor.client, "jam:j")}
                      ).status_code == 202
    answer = {"score": 9, "comment": "Great game"}
    assert actor.post("/api/surveys/s/responses", json=answer).status_code == 400
    assert actor.post("/api/surveys/s/responses", json={"score": 9}).status_code in (200, 201)


def test_challenges_get_harder_for_a_client_that_asks_for_many(guarded: Flask) -> None:
    client = guarded.test_client()
    sizes = [client.get("/api/altcha?item=jam:j").get_json()["maxNumber"] for _ in range(22)]
    assert sizes[0] == 2000 and sizes[-1] == 40000
    other = guarded.test_client().get("/api/altcha?item=jam:j",
                                      environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert other.get_json()["maxNumber"] == 2000


def test_proof_off_needs_nothing(app: Flask, store) -> None:
    from tests.conftest import make_item
    store.sync_items([make_item("jam", id="j", title="What next?")])
    assert idea(_actor(app), "Dark mode please").status_code == 201
    assert app.test_client().get("/api/altcha?item=jam:j").get_json() == {"proof": "off"}


def _form_token(app: Flask) -> str:
    page = app.test_client().get("/jams/j").get_data(as_text=True)
    found = re.search(r'name="_t" value="([^"]+)"', page)
    assert found, "the server-rendered form carries a signed render time"
    return found.group(1)


def test_a_plain_form_is_timed_and_held_for_an_editor(guarded: Flask) -> None:
    clock = services_of(guarded).clock
    token = _form_token(guarded)
    client = guarded.test_client()

    def send(title: str, **fields: str):
        return client.post("/api/jams/j/ideas", data={"title": title, **fields},
                           headers={"Origin": ORIGIN})

    assert send("Without any token").status_code == 200  # the confirm page (test_confirm)
    clock.now += timedelta(seconds=1)  # type: ignore[union-attr]
    assert send("Posted far too fast", _t=token).status_code == 303
    clock.now += timedelta(seconds=2)  # type: ignore[union-attr]
    assert send("Posted by a person", _t=token).status_code == 303
    assert send("Posted twice again", _t=token).status_code == 303  # a token works once
    ideas = services_of(guarded).store.list_ideas("j")
    assert [(i.title, i.moderation) for i in ideas] == [("Posted by a person", "pending")]
    late = _form_token(guarded)
    clock.now += timedelta(days=1, seconds=1)  # type: ignore[union-attr]
    assert send("Posted a day later", _t=late).status_code == 303
    assert len(services_of(guarded).store.list_ideas("j")) == 1
