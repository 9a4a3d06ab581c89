"""Read every calendar file with three independent readers and compare the instants.

icalendar, ics and vobject each resolve TZID and VTIMEZONE on their own; an event is right
only if all three put its start and end at the same instants.
"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import ics
import vobject

from .result import Result

__all__ = ["check_calendars", "read_events"]

Event = tuple[str, datetime, datetime]


def _utc(value) -> datetime:
    moment = getattr(value, "datetime", value)  # ics gives Arrow objects
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"not an instant: {value!r}")
    return moment.astimezone(UTC)


def _by_icalendar(text: str) -> list[Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return [(str(e["uid"]), _utc(e.decoded("dtstart")), _utc(e.decoded("dtend")))
            for e in calendar.walk("VEVENT")]


def _by_ics(text: str) -> list[Event]:
    return [(str(e.uid), _utc(e.begin), _utc(e.end)) for e in ics.Calendar(text).events]


def _by_vobject(text: str) -> list[Event]:
    # vobject keeps every VTIMEZONE it has read in a process-wide map by TZID, and the first
    # one wins: forget them, so each file is read on its own, as a calendar app would.
    vars(vobject.icalendar)["__tzidMap"].clear()
    calendar = vobject.readOne(text)
    return [(str(e.uid.value), _utc(e.dtstart.value), _utc(e.dtend.value))
            for e in calendar.contents.get("vevent", [])]


READERS = {"icalendar": _by_icalendar, "ics": _by_ics, "vobject": _by_vobject}


def read_events(text: str) -> dict[str, list[Event] | str]:
    """Return each reader's sorted (uid, start, end) in UTC, or the error it raised."""
    found: dict[str, list[Event] | str] = {}
    for name, reader in READERS.items():
        try:
            found[name] = sorted(reader(text))
        except Exception as exc:  # any reader's failure is a finding, not a crash
            found[name] = f"{type(exc).__name__}: {exc}"
    return found


def check_calendars(calendars: dict[str, bytes]) -> Result:
    """Check calendar files (name -> bytes): every reader reads the same events."""
    result = Result("calendars", checked=len(calendars))
    events = 0
    for name, data in sorted(calendars.items()):
        found = read_events(data.decode("utf-8"))
        failed = {reader: error for reader, error in found.items() if isinstance(error, str)}
        for reader, error in failed.items():
            result.errors.append(f"{name}: {reader} cannot read it: {error}")
        readings = {reader: events for reader, events in found.items() if reader not in failed}
        distinct = {repr(value) for value in readings.values()}
        if len(distinct) > 1:
            said = "; ".join(f"{reader}: {_show(value)}" for reader, value in readings.items())
            result.errors.append(f"{name}: the readers disagree: {said}")
        first = next(iter(readings.values()), [])
        if not failed and not first:
            result.errors.append(f"{name}: no events")
        events += len(first) if isinstance(first, list) else 0
    result.detail = f"{events} events, read by {', '.join(READERS)}"
    return result


def _show(events) -> str:
    return ", ".join(f"{start:%Y-%m-%d %H:%M}Z-{end:%H:%M}Z" for _uid, start, end in events)
