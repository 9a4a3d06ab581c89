"""Idea topics and corrections: every backend keeps them, across a restart too, and lists
them with the jam's ideas (the board's ``?topic=`` filter reads them from there)."""

from __future__ import annotations

import pytest

from tests.store.conftest import DURABLE
from tests.store.test_contract import idea, jam


def test_topics_and_corrected_words_are_kept(store):
    store.sync_items([jam()])
    item = idea(store, title="Dark mdoe")
    assert item.topics == ()
    changed = store.update_idea(item.id, topics=("app", "shops"), title="Dark mode")
    assert changed.topics == ("app", "shops") and changed.title == "Dark mode"
    assert store.get_idea(item.id).topics == ("app", "shops")
    assert [i.topics for i in store.list_ideas(item.jam_id)] == [("app", "shops")]
    assert store.update_idea(item.id, topics=()).topics == ()


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_topics_survive_a_restart(backend, reopen):
    store = backend.open()
    store.sync_items([jam()])
    item = idea(store)
    store.update_idea(item.id, topics=["delivery"])
    for _ in range(30):  # past the TinyDB test snapshot interval: snapshot plus journal
        store.update_idea(item.id, winner=True)
    store.update_idea(item.id, topics=["delivery", "app"])
    again = reopen(store)
    assert again.get_idea(item.id).topics == ("delivery", "app")


def test_topics_move_between_backends(store, tmp_path):
    store.sync_items([jam()])
    item = idea(store)
    store.update_idea(item.id, topics=("app",))
    tables = store.export_tables()
    [doc] = tables["ideas"].values()
    assert list(doc["topics"]) == ["app"]
