"""Editor API tokens: every backend keeps them by name, finds them by hash, refuses a taken
name, forgets a revoked one, and keeps them across a restart and a migration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.domain.errors import Conflict
from pollserver.domain.tokens import ApiToken, hash_token
from pollserver.store.migrate import tables_of
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT, jam


def _token(name: str, secret: str, hours: int = 0) -> ApiToken:
    return ApiToken(name, hash_token(secret), AT + timedelta(hours=hours), "cli")


def test_add_find_list_revoke(store):
    assert store.list_tokens() == [] and store.find_token(hash_token("a")) is None
    first = store.add_token(_token("bot", "a"))
    assert first == _token("bot", "a")
    store.add_token(_token("ci", "b", hours=1))
    assert store.find_token(hash_token("a")) == _token("bot", "a")
    assert store.find_token(hash_token("b")).name == "ci"
    assert store.find_token(hash_token("c")) is None
    assert [t.name for t in store.list_tokens()] == ["bot", "ci"]
    with pytest.raises(Conflict):
        store.add_token(_token("bot", "other"))
    assert store.find_token(hash_token("other")) is None
    assert store.revoke_token("bot") is True
    assert store.revoke_token("bot") is False
    assert store.find_token(hash_token("a")) is None
    assert store.list_tokens() == [_token("ci", "b", hours=1)]
    store.add_token(_token("bot", "new"))  # a revoked name can be used again
    assert store.find_token(hash_token("new")).name == "bot"


def test_tokens_travel_in_the_exported_tables(store):
    store.add_token(_token("bot", "a"))
    rows = list(tables_of(store)["api_tokens"].values())
    assert rows == [{"name": "bot", "hash": hash_token("a"), "at": AT.isoformat(),
                     "by": "cli"}]


def test_erase_leaves_tokens_alone(store):
    store.sync_items([jam()])
    store.add_token(_token("bot", "a"))
    store.erase_voter("someone", withdraw_polls=[], withdraw_jams=["j"])
    assert [t.name for t in store.list_tokens()] == ["bot"]


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_tokens_survive_a_restart(backend, reopen):
    store = backend.open()
    store.sync_items([jam()])
    store.add_token(_token("bot", "a"))
    store.add_token(_token("ci", "b"))
    for n in range(30):  # past the TinyDB test snapshot interval: snapshot plus journal
        store.add_token(_token(f"t{n}", f"s{n}"))
    store.revoke_token("ci")
    again = reopen(store)
    assert again.find_token(hash_token("a")).name == "bot"
    assert again.find_token(hash_token("b")) is None
    assert len(again.list_tokens()) == 31
