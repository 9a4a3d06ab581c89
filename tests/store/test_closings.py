"""Polls and jams that close on their own date are announced once, on every backend.

The clock is moved by hand: ``announce_closings(store, at)`` is given the time.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from pollserver.domain.events import new_event
from pollserver.domain.records import Item
from pollserver.domain.specs import JamSpec, Option, PollSpec, spec_to_manifest
from pollserver.editor import jams as editor_jams
from pollserver.ops.closings import announce_closings, closing_event_id
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT

CLOSES = AT + timedelta(days=7)
CLOSING = ["poll.closed", "jam.closed"]


def _poll(item_id: str, closes=CLOSES) -> Item:
    spec = PollSpec(id=item_id, question="Which colour?",
                    options=(Option("red", "Red"), Option("blue", "Blue")), closes=closes)
    return Item(kind="poll", id=item_id, spec=spec_to_manifest(spec), url=f"/{item_id}.html")


def _jam(item_id: str, closes=CLOSES) -> Item:
    spec = JamSpec(id=item_id, title="Ideas for spring", closes=closes)
    return Item(kind="jam", id=item_id, spec=spec_to_manifest(spec), url=f"/{item_id}.html")


@pytest.fixture
def hub(store):
    store.sync_items([_poll("p"), _poll("later", closes=CLOSES + timedelta(days=30)),
                      _jam("j")])
    for voter, choice in (("a", "red"), ("b", "blue"), ("c", "blue")):
        store.record_vote("p", voter, [choice], replace=False, at=AT)
    won = store.add_idea("j", title="Bike racks", body="b", author="Ann", voter_id="v1",
                         moderation="published", at=AT)
    store.add_idea("j", title="Longer hours", body="b", author="Bo", voter_id="v2",
                   moderation="published", at=AT)
    store.update_idea(won.id, winner=True)
    return store


def test_nothing_is_announced_while_open(hub):
    assert announce_closings(hub, CLOSES - timedelta(seconds=1)) == 0
    assert hub.list_events(types=CLOSING) == []


def test_a_poll_past_its_date_is_announced_once_with_its_results(hub):
    at = CLOSES + timedelta(minutes=1)
    assert announce_closings(hub, at) == 2
    [event] = hub.list_events(subjects=["poll:p"], types=["poll.closed"])
    assert event.id == closing_event_id("poll", "p")
    assert event.data == {"id": "p", "title": "Which colour?",
                          "results": [["Red", 1], ["Blue", 2]], "url": "/p.html"}
    assert event.created_at == at
    assert hub.list_events(subjects=["poll:later"]) == []  # still open
    assert announce_closings(hub, at + timedelta(hours=1)) == 0
    assert len(hub.list_events(types=CLOSING)) == 2


def test_a_jam_past_its_date_is_announced_once_with_its_winners(hub):
    announce_closings(hub, CLOSES)
    announce_closings(hub, CLOSES + timedelta(days=1))
    [event] = hub.list_events(subjects=["jam:j"], types=["jam.closed"])
    assert event.data["winners"] == ["Bike racks"] and event.data["title"] == "Ideas for spring"


def test_an_early_close_is_not_announced_again(hub):
    editor_jams.close_early(hub, "editor", "j", at=AT + timedelta(days=1))
    assert announce_closings(hub, AT + timedelta(days=2)) == 0  # poll still open
    assert announce_closings(hub, CLOSES + timedelta(days=1)) == 1  # only the poll
    [event] = hub.list_events(subjects=["jam:j"], types=["jam.closed"])
    assert event.id != closing_event_id("jam", "j")


def test_an_archived_poll_is_not_announced(hub):
    hub.sync_items([_jam("j")])  # the poll left the site
    assert announce_closings(hub, CLOSES + timedelta(days=1)) == 1
    assert hub.list_events(types=["poll.closed"]) == []


def test_add_events_writes_an_id_once(store):
    """The store write behind it: two writers of the same event id leave one event."""
    event = new_event("poll.closed", ["poll:p"], {"id": "p"}, at=AT)
    store.emit(event).add_events()
    store.emit(dict(event, data={"id": "other"})).add_events()
    [stored] = store.list_events()
    assert stored.id == event["id"] and stored.data == {"id": "p"}


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_the_announcement_survives_a_restart(hub, reopen):
    announce_closings(hub, CLOSES)
    store = reopen(hub)
    assert len(store.list_events(types=CLOSING)) == 2
    assert announce_closings(store, CLOSES + timedelta(days=1)) == 0


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_two_stores_scanning_at_once_announce_once(hub, backend):
    """Two processes' stores on the same data: both may find the poll unannounced, one
    event is written (its id comes from the poll)."""
    other = backend.open()
    start = threading.Barrier(2)
    results: list[int] = []

    def scan(store) -> None:
        start.wait()
        results.append(announce_closings(store, CLOSES))

    threads = [threading.Thread(target=scan, args=(s,)) for s in (hub, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert len(hub.list_events(types=CLOSING)) == 2
    assert len(other.list_events(types=CLOSING)) == 2
