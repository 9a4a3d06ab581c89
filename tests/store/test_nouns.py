"""The store by noun: every Store method on exactly one noun, each noun the store's own."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest

from pollserver.domain.errors import AlreadyVoted
from pollserver.domain.records import Item, Tally
from pollserver.store.base import Store
from pollserver.store.nouns import NOUNS, STORE_LEVEL, Noun

AT = datetime(2025, 3, 1, tzinfo=UTC)
POLL = Item(kind="poll", id="p", spec={"question": "Q?"}, source="content/x.md:1", url="/x")


def _store_methods() -> set[str]:
    return {name for name, value in inspect.getmembers(Store)
            if not name.startswith("_") and inspect.isfunction(value)}


def test_every_store_method_is_reachable_from_exactly_one_noun() -> None:
    homes: dict[str, list[str]] = {}
    for noun, cls in NOUNS.items():
        for method in cls.METHODS:
            homes.setdefault(method, []).append(noun)
    twice = {m: nouns for m, nouns in homes.items() if len(nouns) > 1}
    assert not twice, f"methods on several nouns: {twice}"
    methods = _store_methods()
    homeless = methods - set(homes) - STORE_LEVEL
    assert not homeless, f"Store methods with no noun (add them in store/nouns.py): {homeless}"
    assert set(homes) <= methods, f"nouns name no such method: {set(homes) - methods}"
    assert not set(homes) & STORE_LEVEL


def test_each_noun_is_a_property_of_the_store() -> None:
    for name, cls in NOUNS.items():
        prop = getattr(Store, name)
        assert isinstance(prop, property), name
        assert inspect.signature(prop.fget).return_annotation in (cls.__name__, cls)


def test_nouns_hand_out_the_store_s_own_methods(store) -> None:
    store.items.sync_items([POLL])
    assert store.polls.record_vote == store.record_vote
    store.polls.record_vote("p", "v1", ["a"], replace=False, at=AT)
    with pytest.raises(AlreadyVoted):
        store.polls.record_vote("p", "v1", ["b"], replace=False, at=AT)
    assert store.polls.tally("p") == Tally(total=1, counts={"a": 1}) == store.tally("p")
    assert store.voters.voter_data("v1") == store.voter_data("v1")


def test_a_noun_refuses_another_noun_s_method(store) -> None:
    assert isinstance(store.polls, Noun)
    with pytest.raises(AttributeError, match="store.polls has no 'add_idea'"):
        store.polls.add_idea  # noqa: B018
    assert "record_vote" in dir(store.polls) and "add_idea" not in dir(store.polls)
