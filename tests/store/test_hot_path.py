"""The optional hot-path methods of ``Store``: every backend gives the same answers as the
plain methods, and PostgreSQL's short-lived item copies never hide this process's writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pollserver.domain.errors import AlreadyVoted
from pollserver.domain.records import Tally
from pollserver.store.base import Store
from tests.conftest import make_item

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _poll(store: Store, **block) -> None:
    store.sync_items([make_item("poll", id="p", question="Which?", options=["a", "b", "c"],
                                **block)])


def test_record_vote_and_tally_counts_the_vote(store: Store) -> None:
    _poll(store, max_choices=2, changeable=True)
    assert store.record_vote_and_tally("p", "v1", ["a"], replace=False, at=NOW) == (
        None, Tally(total=1, counts={"a": 1}))
    previous, tally = store.record_vote_and_tally("p", "v2", ["a", "b"], replace=False, at=NOW)
    assert previous is None and tally == Tally(total=2, counts={"a": 2, "b": 1})
    with pytest.raises(AlreadyVoted):
        store.record_vote_and_tally("p", "v2", ["c"], replace=False, at=NOW)
    previous, tally = store.record_vote_and_tally("p", "v2", ["c"], replace=True, at=NOW)
    assert previous == ("a", "b") and tally == Tally(total=2, counts={"a": 1, "c": 1})
    assert store.tally("p") == tally and store.vote_of("p", "v2") == ("c",)


def test_recent_item_sees_this_stores_writes_at_once(store: Store) -> None:
    assert store.recent_item("poll", "p") is None
    _poll(store)
    assert store.recent_item("poll", "p") == store.get_item("poll", "p")
    store.set_closed_at("poll", "p", NOW)
    assert store.recent_item("poll", "p").closed_at == NOW
    store.set_closed_at("poll", "p", None)
    assert store.recent_item("poll", "p").closed_at is None
    store.sync_items([])
    assert store.recent_item("poll", "p").archived


def test_jam_version_changes_with_the_jams_ideas(store: Store) -> None:
    store.sync_items([make_item("jam", id="j", title="What next?", prompt="Tell us."),
                      make_item("jam", id="k", title="And then?", prompt="Tell us.")])
    seen = [store.jam_version("j")]
    other = store.jam_version("k")

    def changed() -> None:
        version = store.jam_version("j")
        if version is not None:  # None: this backend does not offer versions
            assert version not in seen
        seen.append(version)

    idea = store.add_idea("j", title="Refill pouches", body="", author="Ann", voter_id="v1",
                          moderation="published", at=NOW)
    changed()
    second = store.add_idea("j", title="Bigger mugs", body="", author=None, voter_id=None,
                            moderation="published", at=NOW)
    changed()
    store.vote_idea("j", idea.id, "v2", budget=0, at=NOW)
    changed()
    store.unvote_idea("j", idea.id, "v2")
    changed()
    store.update_idea(idea.id, status="planned")
    changed()
    store.merge_ideas(second.id, idea.id)
    changed()
    assert store.jam_version("k") == other  # another jam's readers keep their copy
    store.erase_voter("v1", withdraw_polls=[], withdraw_jams=[])
    changed()


class _Clock:
    """A monotonic clock the test moves by hand, so expiry is checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # the only one with copies
def test_postgres_item_copies_expire(backend, store: Store, monkeypatch) -> None:
    from pollserver.store.postgres import store as postgres

    clock = _Clock()
    monkeypatch.setattr(postgres, "time", clock)
    _poll(store)
    assert store.recent_item("poll", "p").closed_at is None
    elsewhere = backend.open()  # another process's store on the same schema
    elsewhere.set_closed_at("poll", "p", NOW)
    assert store.get_item("poll", "p").closed_at == NOW
    clock.now += postgres.ITEM_TTL / 2
    assert store.recent_item("poll", "p").closed_at is None  # the copy is still fresh
    clock.now += postgres.ITEM_TTL
    assert store.recent_item("poll", "p").closed_at == NOW  # expired: read again
