"""Editor sessions in the store contract: kept by hash, revoked one by one or all at once,
and kept across a restart (issue 11 item 7). Runs on memory, TinyDB and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.store.conftest import DURABLE

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_sessions_are_live_until_revoked(store) -> None:
    assert store.editor_session("h1") is None
    store.add_editor_session("h1", "ed", at=AT)
    store.add_editor_session("h2", "ed", at=AT)
    store.add_editor_session("h3", "al", at=AT)
    assert [store.editor_session(h) for h in ("h1", "h2", "h3")] == ["ed", "ed", "al"]
    assert store.revoke_editor_sessions(session_hash="h1") == 1
    assert store.revoke_editor_sessions(session_hash="h1") == 0
    assert store.editor_session("h1") is None
    assert store.editor_session("h2") == "ed"


def test_sign_out_everywhere_revokes_only_that_editor(store) -> None:
    for n in range(3):
        store.add_editor_session(f"ed{n}", "ed", at=AT)
    store.add_editor_session("al0", "al", at=AT)
    assert store.revoke_editor_sessions(username="ed") == 3
    assert [store.editor_session(f"ed{n}") for n in range(3)] == [None, None, None]
    assert store.editor_session("al0") == "al"
    assert store.revoke_editor_sessions(username="nobody") == 0


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_sessions_and_revocations_survive_reopen(store, reopen) -> None:
    store.add_editor_session("keep", "ed", at=AT)
    store.add_editor_session("gone", "ed", at=AT)
    store.revoke_editor_sessions(session_hash="gone")
    store = reopen(store)
    assert (store.editor_session("keep"), store.editor_session("gone")) == ("ed", None)
