"""Relative dates in content (plugins/hub/relative.py): what each token resolves to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plugins.hub.relative import day_cache_path, resolve

MONDAY = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("Expires: {{ today }}", "Expires: 2026-11-23"),
    ("Expires: {{today+38}}", "Expires: 2026-12-31"),
    ("Date: {{ today-23 }} 09:00", "Date: 2026-10-31 09:00"),
    ("opens: {{ month }}T00:00:00Z", "opens: 2026-11-01T00:00:00Z"),
    ("closes: {{ month+1 }}T00:00:00Z", "closes: 2026-12-01T00:00:00Z"),
    ("{{ month+2 }} {{ month-11 }}", "2027-01-01 2025-12-01"),
    ("{{ monday }} {{ thursday }} {{ sunday }}", "2026-11-30 2026-11-26 2026-11-29"),
    ("Starts: {{ thursday+49 }} 18:30", "Starts: 2027-01-14 18:30"),
    ("until {{ today+38 | %-d %B %Y }}.", "until 31 December 2026."),
    ("on {{ saturday+14 | %A %-d %B }}", "on Saturday 12 December"),
    ("{{ yesterday }} and {{ today+x }} stay as written", "{{ yesterday }} and {{ today+x }} "
     "stay as written"),
])
def test_tokens_resolve_against_the_build_day(text, expected):
    assert resolve(text, MONDAY) == expected


def test_leap_day_and_year_end():
    assert resolve("{{ today+1 }}", datetime(2028, 2, 28, 23, 59, tzinfo=UTC)) == "2028-02-29"
    assert resolve("{{ month+1 }}", datetime(2026, 12, 31, tzinfo=UTC)) == "2027-01-01"


def test_each_day_has_its_own_content_cache():
    assert day_cache_path("cache", MONDAY) != day_cache_path("cache", datetime(2026, 11, 24,
                                                                               tzinfo=UTC))
