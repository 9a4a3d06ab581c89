"""The embedded VTIMEZONE: three calendar readers put every event at its real instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from plugins.hub.vtimezone import rrule_timezone
from sitecheck.calendars import read_events

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "Pacific/Chatham"]
# Winter, summer, and the days just after the European and American changes.
DAYS = ["2026-01-15", "2026-03-09", "2026-03-30", "2026-07-01", "2026-10-26", "2026-11-02",
        "2026-12-02"]


def calendar(zone: str, starts: datetime) -> str:
    timezone = rrule_timezone(zone, ZoneInfo(zone), starts.year)
    assert timezone is not None, zone
    cal = Calendar()
    cal.add("prodid", "-//valuehub//test//EN")
    cal.add("version", "2.0")
    cal.add_component(timezone)
    event = Event()
    event.add("uid", "e@test")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(hours=2))
    cal.add_component(event)
    return cal.to_ical().decode()


@pytest.mark.parametrize("zone", ZONES)
def test_every_reader_reads_the_real_instant_all_year(zone):
    for day in DAYS:
        starts = datetime.fromisoformat(f"{day}T19:00").replace(tzinfo=ZoneInfo(zone))
        expected = [("e@test", starts.astimezone(UTC),
                     (starts + timedelta(hours=2)).astimezone(UTC))]
        found = read_events(calendar(zone, starts))
        assert found == {"icalendar": expected, "ics": expected, "vobject": expected}, day


def test_rules_are_yearly_with_onsets_in_the_old_offset():
    text = rrule_timezone("Europe/London", ZoneInfo("Europe/London"), 2026).to_ical().decode()
    assert "DTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text


def test_a_zone_whose_changes_follow_no_yearly_rule_gets_none():
    # Morocco suspends summer time for Ramadan: four changes a year, on moving dates.
    assert rrule_timezone("Africa/Casablanca", ZoneInfo("Africa/Casablanca"), 2026) is None
