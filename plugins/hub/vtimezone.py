"""A VTIMEZONE with yearly rules (RRULE), as calendar publishers write them.

icalendar's own ``add_missing_timezones`` lists every transition since 1970 as an RDATE; some
readers (vobject) mis-read that and put a December event in summer time. Every reader we know
understands the classic form: one STANDARD and one DAYLIGHT observance, each with a DTSTART in
1970 and ``RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nSU``. The rule is read off the zone's real
transitions in the event's year and checked against the year before and after; a zone whose
changes follow no such rule gets ``None``, and the caller writes UTC times instead.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["rrule_timezone"]

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Change:
    """One offset change: the wall-clock moment it happens (in the old offset), old and new."""

    local: datetime
    before: timedelta
    after: timedelta
    name: str
    dst: bool


@dataclass(frozen=True)
class Rule:
    """A yearly rule: month, ``n``-th (``-1`` last) weekday, wall-clock time."""

    month: int
    nth: int
    weekday: int
    at: timedelta

    def on(self, year: int) -> datetime:
        """Return the rule's wall-clock moment in ``year``."""
        weeks = calendar.monthcalendar(year, self.month)
        days = [week[self.weekday] for week in weeks if week[self.weekday]]
        return datetime.combine(date(year, self.month, days[self.nth if self.nth < 0
                                                            else self.nth - 1]),
                                datetime.min.time()) + self.at


def _offset(zone: tzinfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _changes(zone: tzinfo, year: int) -> list[Change]:
    """Return the zone's offset changes during ``year``, found to the second."""
    found: list[Change] = []
    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())

    def at(second: int) -> datetime:
        return datetime.fromtimestamp(second, UTC)

    for day in range(366):
        low, high = start + day * 86400, start + (day + 1) * 86400
        if at(high).year > year or _offset(zone, at(low)) == _offset(zone, at(high)):
            continue
        before = _offset(zone, at(low))
        while high - low > 1:  # high: the first second of the new offset
            middle = (low + high) // 2
            low, high = (middle, high) if _offset(zone, at(middle)) == before else (low, middle)
        after = at(high).astimezone(zone)
        local = (at(high) + before).replace(tzinfo=None)
        found.append(Change(local, before, after.utcoffset() or timedelta(0),
                            after.tzname() or "", bool(after.dst())))
    return found


def _rule(change: Change) -> Rule:
    moment = change.local
    last = moment.day + 7 > calendar.monthrange(moment.year, moment.month)[1]
    nth = -1 if last else (moment.day - 1) // 7 + 1
    at = moment - datetime.combine(moment.date(), datetime.min.time())
    return Rule(moment.month, nth, moment.weekday(), at)


def _observance(change: Change, rule: Rule | None) -> TimezoneStandard | TimezoneDaylight:
    part = TimezoneDaylight() if change.dst else TimezoneStandard()
    part.add("tzname", change.name)
    part.add("tzoffsetfrom", change.before)
    part.add("tzoffsetto", change.after)
    if rule is None:
        part.add("dtstart", datetime(1970, 1, 1))
    else:
        part.add("dtstart", rule.on(1970))
        part.add("rrule", vRecur(freq="YEARLY", bymonth=rule.month,
                                 byday=f"{rule.nth}{DAYS[rule.weekday]}"))
    return part


def rrule_timezone(tzid: str, zone: tzinfo, year: int) -> Timezone | None:
    """Return an RRULE-based VTIMEZONE for ``zone`` valid around ``year``, or ``None``."""
    changes = _changes(zone, year)
    result = Timezone()
    result.add("tzid", tzid)
    if not changes:
        if _changes(zone, year - 1) or _changes(zone, year + 1):
            return None  # the zone changes its rules near this year: no single rule fits
        offset = _offset(zone, datetime(year, 7, 1, tzinfo=UTC))
        name = datetime(year, 7, 1, tzinfo=UTC).astimezone(zone).tzname() or tzid
        result.add_component(_observance(Change(datetime(1970, 1, 1), offset, offset, name,
                                                False), None))
        return result
    if len(changes) != 2 or changes[0].dst == changes[1].dst:
        return None
    rules = [_rule(change) for change in changes]
    for other in (year - 1, year + 1):
        moments = [change.local for change in _changes(zone, other)]
        if moments != [rule.on(other) for rule in rules]:
            return None
    for change, rule in zip(changes, rules, strict=True):
        result.add_component(_observance(change, rule))
    return result
