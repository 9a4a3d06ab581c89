"""Parse the dates editors type into front matter.

Pelican only parses its own `date`/`modified`; `starts`, `ends` and `expires` arrive as plain
strings, so the hub parses them here, once, with messages an editor can act on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class MetadataError(ValueError):
    """A front-matter value an editor has to fix; the message says what is wrong."""


def parse_zone(value: str) -> ZoneInfo:
    """Return the IANA time zone named by `value` (for example Europe/London)."""
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MetadataError(f"timezone: {value!r} is not an IANA time zone name") from exc


def parse_moment(field: str, value: object, zone: ZoneInfo) -> datetime:
    """Return an aware datetime for `YYYY-MM-DD HH:MM` (or ISO 8601) in `zone` unless it has one."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise MetadataError(
                f"{field}: {text!r} is not a date and time (use YYYY-MM-DD HH:MM)"
            ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def parse_day_end(field: str, value: object, zone: ZoneInfo) -> datetime:
    """Return the last instant of the day `YYYY-MM-DD` in `zone`; an offer lasts all of its day."""
    text = str(value).strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        if " " in text or "T" in text:
            return parse_moment(field, text, zone)
        raise MetadataError(f"{field}: {text!r} is not a date (use YYYY-MM-DD)") from None
    return datetime.combine(day + timedelta(days=1), time(), zone) - timedelta(microseconds=1)
