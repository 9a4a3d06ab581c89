"""Status history: every backend records each status change with its time and note,
keeps it across a restart (journal replay, snapshot, PostgreSQL) and never on a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.domain.errors import BadRequest
from pollserver.domain.statuses import StatusChange
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT, idea, jam


def test_status_changes_are_recorded_with_time_and_note(store):
    store.sync_items([jam()])
    first, second = idea(store, title="a"), idea(store, title="b")
    assert store.status_history(first.id) == []
    store.update_idea(first.id, status="planned", at=AT, note="Looks good")
    store.update_idea(second.id, status="declined", at=AT + timedelta(hours=1),
                      note="Not this year")
    store.update_idea(first.id, status="in-progress", at=AT + timedelta(days=2),
                      note="Brewing: first batch in March")
    assert store.status_history(first.id) == [
        StatusChange(first.id, "planned", AT, "Looks good"),
        StatusChange(first.id, "in-progress", AT + timedelta(days=2),
                     "Brewing: first batch in March")]
    assert [(c.idea_id, c.status) for c in store.status_changes()] == [
        (first.id, "in-progress"), (second.id, "declined"), (first.id, "planned")]
    assert [c.status for c in store.status_changes(limit=1)] == ["in-progress"]


def test_only_a_real_status_change_is_history(store):
    store.sync_items([jam()])
    item = idea(store)
    store.update_idea(item.id, status="planned", at=AT, note="n")
    store.update_idea(item.id, status="planned", at=AT, note="again")  # no change
    store.update_idea(item.id, moderation="hidden", at=AT)  # not a status change
    store.update_idea(item.id, winner=True)
    assert [c.status for c in store.status_history(item.id)] == ["planned"]


def test_a_refused_change_leaves_no_history(store):
    store.sync_items([jam()])
    item = idea(store)
    with pytest.raises(BadRequest):
        store.update_idea(item.id, status="done", jam_id="other", at=AT)
    assert store.status_history(item.id) == []
    assert store.get_idea(item.id).status == "open"


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_history_survives_a_restart(backend, reopen):
    store = backend.open()
    store.sync_items([jam()])
    item = idea(store)
    for n, status in enumerate(("planned", "in-progress", "done")):
        store.update_idea(item.id, status=status, at=AT + timedelta(days=n), note=f"step {n}")
    for _ in range(30):  # past the TinyDB test snapshot interval: snapshot plus journal
        store.update_idea(item.id, winner=True)
    store.update_idea(item.id, status="declined", at=AT + timedelta(days=9), note="after")
    again = reopen(store)
    assert [(c.status, c.at, c.note) for c in again.status_history(item.id)] == [
        ("planned", AT, "step 0"), ("in-progress", AT + timedelta(days=1), "step 1"),
        ("done", AT + timedelta(days=2), "step 2"), ("declined", AT + timedelta(days=9),
                                                     "after")]
