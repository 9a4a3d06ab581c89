"""Write one iCalendar file per event next to its page, so readers can add it in one click."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from .vtimezone import rrule_timezone


def ics_url(article) -> str:
    """Return the site path of the event's .ics file: the page URL with .ics instead of .html."""
    return article.url.rsplit(".", 1)[0] + ".ics"


def event_calendar(article, siteurl: str, domain: str) -> bytes:
    """Return the event as a VCALENDAR; the stable UID makes a re-import update, not duplicate."""
    cal = Calendar()
    cal.add("prodid", "-//valuehub//hub plugin//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{article.slug}@{domain}")
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    timezone = _timezone(article.hub_starts)
    if timezone is None:
        # No zone rule every reader understands: UTC instants, the zone name as a hint.
        zone = article.hub_starts.tzinfo
        if isinstance(zone, ZoneInfo) and zone.key != "UTC":
            cal.add("x-wr-timezone", zone.key)
        event.add("dtstart", article.hub_starts.astimezone(UTC))
        event.add("dtend", article.hub_ends.astimezone(UTC))
    else:
        # A TZID needs a matching VTIMEZONE, or strict clients (Outlook) fall back to UTC.
        cal.add_component(timezone)
        event.add("dtstart", article.hub_starts)
        event.add("dtend", article.hub_ends.astimezone(article.hub_starts.tzinfo))
    event.add("summary", article.title)
    event.add("location", article.hub_location)
    event.add("url", f"{siteurl}/{article.url}")
    summary = article.metadata.get("summary")
    if summary:
        event.add("description", _plain(str(summary)))
    cal.add_component(event)
    return cal.to_ical()


def _timezone(starts: datetime):
    """Return an RRULE-based VTIMEZONE for the event's IANA zone, or None to write UTC."""
    zone = starts.tzinfo
    if not isinstance(zone, ZoneInfo) or zone.key == "UTC":
        return None
    return rrule_timezone(zone.key, zone, starts.year)


def write_event_calendars(events, output_path: str, siteurl: str) -> None:
    """Write `<event>.ics` into the output directory for every event."""
    domain = urlsplit(siteurl).hostname or "localhost"
    for article in events:
        target = Path(output_path) / ics_url(article)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(event_calendar(article, siteurl, domain))


def _plain(html: str) -> str:
    """Strip tags from a Pelican summary, which is HTML."""
    parts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = parts.append
    parser.feed(html)
    return " ".join("".join(parts).split())
