"""Fixtures for roadmap tests: a jam with published ideas and a signed-in editor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import make_item
from tests.editors import sign_in_editor

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def jam(store):
    """Jam ``build-next`` with three published ideas (ids in ``jam.ideas``)."""
    store.sync_items([make_item("jam", id="build-next", title="What should we build next?")])
    ideas = [store.add_idea("build-next", title=title, body=f"{title}, please.", author=author,
                            voter_id=f"voter-{n}", moderation="published", at=AT)
             for n, (title, author) in enumerate([("Oat milk flat white", "Marta"),
                                                  ("Decaf that tastes of coffee", "Sam"),
                                                  ("A night market stall", None)])]
    return [i.id for i in ideas]


@pytest.fixture
def editor(app, store):
    """A signed-in editor's client and its CSRF header."""
    return sign_in_editor(app, store)
