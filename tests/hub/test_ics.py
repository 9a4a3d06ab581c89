"""Event calendar files: an RRULE zone where one fits, UTC with a hint where none does."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from plugins.hub.ics import event_calendar
from sitecheck.calendars import read_events


def article(zone: str) -> SimpleNamespace:
    tz = ZoneInfo(zone)
    return SimpleNamespace(slug="qa", title="Q&A", hub_location="Online", url="events/qa.html",
                           metadata={}, hub_starts=datetime(2026, 12, 2, 19, tzinfo=tz),
                           hub_ends=datetime(2026, 12, 2, 20, tzinfo=tz))


@pytest.mark.parametrize(("zone", "embedded", "hint"), [
    ("Europe/London", True, None),
    ("Africa/Casablanca", False, "Africa/Casablanca"),  # no yearly rule: UTC plus a hint
    ("UTC", False, None),
])
def test_every_reader_reads_the_event_at_its_instant(zone, embedded, hint):
    event = article(zone)
    text = event_calendar(event, "https://hub.example", "hub.example").decode()
    expected = [("qa@hub.example", event.hub_starts.astimezone(UTC),
                 event.hub_ends.astimezone(UTC))]
    assert read_events(text) == {"icalendar": expected, "ics": expected, "vobject": expected}
    assert ("BEGIN:VTIMEZONE" in text) is embedded
    assert (f"TZID={zone}" in text) is embedded
    assert ("X-WR-TIMEZONE" in text) is (hint is not None)
    if hint:
        assert f"X-WR-TIMEZONE:{hint}" in text and "DTSTART:20261202T" in text
