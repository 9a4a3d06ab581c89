"""Champion grants and profile rules: every backend keeps them by voter id and slug, across a
restart, and an erase removes the erased voter's grant (and nothing else's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.domain.champions import Champion, ProfileRule
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT, idea, jam


def test_grant_and_revoke_by_voter_id(store):
    assert not store.is_champion("v1")
    grant = store.grant_champion(Champion("v1", "7", "editor", AT))
    assert grant == Champion("v1", "7", "editor", AT)
    store.grant_champion(Champion("v2", "8", "chief", AT + timedelta(hours=1)))
    assert store.is_champion("v1") and store.is_champion("v2")
    assert not store.is_champion("v3")
    assert store.list_champions() == [Champion("v1", "7", "editor", AT),
                                      Champion("v2", "8", "chief", AT + timedelta(hours=1))]
    # Granting again replaces the voter's grant and moves it to the end.
    store.grant_champion(Champion("v1", "9", "chief", AT + timedelta(days=1)))
    assert [(c.voter_id, c.idea_id) for c in store.list_champions()] == [("v2", "8"),
                                                                       ("v1", "9")]
    assert store.revoke_champion("v1") is True
    assert store.revoke_champion("v1") is False
    assert not store.is_champion("v1")
    assert [c.voter_id for c in store.list_champions()] == ["v2"]


def test_profile_rules_set_replace_and_clear(store):
    assert store.profile_rules() == {}
    hidden = ProfileRule("spam", hidden=True, by="editor", at=AT)
    assert store.set_profile_rule(hidden) == hidden
    merged = ProfileRule("marta-r", merged_into="marta-rossi", by="editor", at=AT)
    store.set_profile_rule(merged)
    assert store.profile_rules() == {"spam": hidden, "marta-r": merged}
    unhidden = store.set_profile_rule(ProfileRule("spam", by="chief", at=AT))
    assert unhidden is None
    assert store.profile_rules() == {"marta-r": merged}
    moved = ProfileRule("marta-r", merged_into="marta", by="chief", at=AT)
    store.set_profile_rule(moved)
    assert store.profile_rules() == {"marta-r": moved}


def test_erase_removes_only_the_erased_voters_grant(store):
    store.sync_items([jam()])
    mine = idea(store, voter="author")
    store.grant_champion(Champion("author", mine.id, "editor", AT))
    store.grant_champion(Champion("other", mine.id, "editor", AT))
    store.erase_voter("author", withdraw_polls=[], withdraw_jams=["j"])
    assert not store.is_champion("author")
    assert store.is_champion("other")
    assert "author" not in str(store.list_champions())


def test_erase_finds_a_voter_who_is_only_a_champion(store):
    store.grant_champion(Champion("lonely", "1", "editor", AT))
    store.erase_voter("lonely", withdraw_polls=[], withdraw_jams=[])
    assert store.list_champions() == []


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_grants_and_rules_survive_a_restart(backend, reopen):
    store = backend.open()
    store.sync_items([jam()])
    item = idea(store)
    store.grant_champion(Champion("v1", item.id, "editor", AT))
    store.grant_champion(Champion("v2", item.id, "editor", AT))
    store.set_profile_rule(ProfileRule("spam", hidden=True, by="editor", at=AT))
    for _ in range(30):  # past the TinyDB test snapshot interval: snapshot plus journal
        store.update_idea(item.id, winner=True)
    store.revoke_champion("v2")
    store.set_profile_rule(ProfileRule("a", merged_into="b", by="editor", at=AT))
    again = reopen(store)
    assert again.list_champions() == [Champion("v1", item.id, "editor", AT)]
    assert set(again.profile_rules()) == {"spam", "a"}
    assert again.profile_rules()["a"].merged_into == "b"


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_grants_for_one_voter_at_once_both_succeed(backend):
    """Two editors granting the same voter at the same moment: the second waits for the
    first's row and replaces it (no unique violation, so no 500)."""
    import threading

    import psycopg

    from pollserver.store.postgres.champions import grant_champion
    from tests.store.conftest import DATABASE_URL

    store = backend.open()  # creates the schema
    url = DATABASE_URL + ("&" if "?" in DATABASE_URL else "?")
    url += f"options=-csearch_path%3D{backend.schema}"
    with psycopg.connect(url) as first, psycopg.connect(url) as second:
        grant_champion(first, Champion("v1", "7", "editor", AT))  # uncommitted yet
        errors: list[BaseException] = []

        def other() -> None:
            try:
                grant_champion(second, Champion("v1", "8", "chief", AT))
                second.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                second.rollback()

        thread = threading.Thread(target=other)
        thread.start()
        pid = second.info.backend_pid
        with psycopg.connect(DATABASE_URL, autocommit=True) as watch:
            while thread.is_alive() and not watch.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                    (pid,)).fetchone():
                threading.Event().wait(0.01)
        first.commit()
        thread.join()
    assert errors == []
    assert [(c.voter_id, c.idea_id) for c in store.list_champions()] == [("v1", "8")]
