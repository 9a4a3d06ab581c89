"""phase_of: one phase rule for every kind of item, on the server and at build time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pollserver.domain.kinds import parse_spec
from pollserver.domain.phases import phase_of
from tests.conftest import make_item

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.mark.parametrize("kind, block", [
    ("poll", {"id": "p", "question": "Q?", "options": ["a", "b"],
              "opens": "2026-06-01T12:00:00Z", "closes": "2026-06-03T12:00:00Z"}),
    ("survey", {"id": "s", "question": "How likely…?",
                "opens": "2026-06-01T12:00:00Z", "closes": "2026-06-03T12:00:00Z"}),
    ("jam", {"id": "j", "title": "Ideas", "prompt": "Tell us",
             "submit_from": "2026-06-01T12:00:00Z", "closes": "2026-06-03T12:00:00Z"}),
])
def test_every_kind_has_the_same_three_phases(kind, block):
    item = make_item(kind, **block)
    spec = parse_spec(kind, block)
    assert phase_of(item, spec, T0 - timedelta(seconds=1)) == "not-open"
    assert phase_of(item, spec, T0) == "open"
    assert phase_of(item, spec, T0 + 2 * DAY - timedelta(seconds=1)) == "open"
    assert phase_of(item, spec, T0 + 2 * DAY) == "closed"
    # At build time there is no item: only the dates count.
    assert phase_of(None, spec, T0 + DAY) == "open"
    assert phase_of(None, spec, T0 - DAY) == "not-open"


def test_an_early_close_or_archiving_wins_over_the_dates():
    block = {"id": "p", "question": "Q?", "options": ["a", "b"], "opens": "2026-06-01T12:00:00Z"}
    item, spec = make_item("poll", **block), parse_spec("poll", block)
    assert phase_of(replace(item, closed_at=T0 + DAY), spec, T0 + DAY) == "closed"
    assert phase_of(replace(item, closed_at=T0 + DAY), spec, T0 + DAY / 2) == "open"
    assert phase_of(replace(item, archived=True), spec, T0 + DAY) == "closed"
    assert phase_of(None, spec, T0 + 400 * DAY) == "open"
