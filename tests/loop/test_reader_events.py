"""Readers' own actions write their events in the same step (for feeds and webhooks)."""

from __future__ import annotations

from tests.conftest import make_item


def test_submitting_an_idea_writes_idea_created_with_its_id(voter, store):
    store.sync_items([make_item("jam", id="j", title="Jam")])
    response = voter.post("/api/jams/j/ideas", json={"title": "Dark mode", "body": ""})
    assert response.status_code == 201
    idea_id = response.get_json()["id"]
    [event] = store.list_events(types={"idea.created"})
    assert event.subjects == (f"idea:{idea_id}", "jam:j") and event.data["id"] == idea_id
    assert event.notify is False  # new ideas are not mailed to the jam's followers


def test_a_refused_idea_writes_nothing(voter, store):
    store.sync_items([make_item("jam", id="j", title="Jam")])
    assert voter.post("/api/jams/j/ideas", json={"title": "", "body": ""}).status_code == 400
    assert store.list_events() == []


def test_answer_writes_score_and_category_only_and_one_reward_event(voter, store):
    store.sync_items([make_item("survey", id="thanks", reward="codes")])
    store.add_codes("codes", ["C1", "C2"])
    response = voter.post("/api/surveys/thanks/responses",
                          json={"score": 9, "comment": "secret words"})
    assert response.status_code == 201
    [answered] = store.list_events(types={"survey.answered"})
    assert answered.data == {"id": "thanks", "score": 9, "category": "promoter"}
    [reward] = store.list_events(types={"reward.issued"})
    assert reward.voter is not None and "voter" not in reward.data
    again = voter.post("/api/surveys/thanks/responses", json={"score": 3})
    assert again.status_code == 409
    assert len(store.list_events()) == 2  # the refused second answer wrote nothing


def test_reward_event_only_when_a_code_was_handed_out(voter, store):
    store.sync_items([make_item("poll", id="p", question="Q?", options=["A", "B"],
                                reward="empty")])
    assert voter.vote("p", "a").status_code == 200
    assert store.list_events() == []  # the pool is empty: no reward, no event
