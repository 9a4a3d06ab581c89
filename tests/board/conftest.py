"""Fixtures for board tests: a board (a jam without closes) with ideas, and an editor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import make_item
from tests.editors import sign_in_editor

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
BOARD = "improve"


@pytest.fixture
def board(store):
    """Board ``improve`` (2 votes each, topics) with three published ideas; their ids."""
    store.sync_items([make_item("jam", url="/pages/improve.html", id=BOARD,
                                title="What should we improve?", votes_per_person=2,
                                topics=["Delivery", "App", "Coffee"])])
    ideas = [store.add_idea(BOARD, title=title, body=f"**{title}**, please.", author=author,
                            voter_id=f"voter-{n}", moderation="published", at=AT)
             for n, (title, author) in enumerate([("Oat milk flat white", "Marta"),
                                                  ("Faster delivery to Bergen", "Sam"),
                                                  ("A dark mode for the app", None)])]
    return [i.id for i in ideas]


@pytest.fixture
def editor(app, store):
    """A signed-in editor's client and its CSRF header."""
    return sign_in_editor(app, store)
