"""Check channel front matter and attach the parsed values to each article.

Templates and the calendar writer read `article.hub_*` attributes instead of re-parsing strings,
so a value is checked in exactly one place and a broken article never reaches a template.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .dates import MetadataError, parse_day_end, parse_moment, parse_zone

DEFAULT_EVENT_LENGTH = timedelta(hours=2)


def _require(article, *fields: str) -> None:
    missing = [field for field in fields if not str(article.metadata.get(field, "")).strip()]
    if missing:
        example = {"expires": "YYYY-MM-DD", "starts": "YYYY-MM-DD HH:MM", "location": "..."}
        lines = ", ".join(f"`{f.capitalize()}: {example.get(f, '...')}`" for f in missing)
        raise MetadataError(f"missing required metadata: {', '.join(missing)} "
                            f"(add {lines} to the header)")


def check_offer(article, zone) -> None:
    """Require `expires` (a day), parse it and an optional `starts` (the early-access window)."""
    _require(article, "expires")
    meta = article.metadata
    article.hub_expires = parse_day_end("expires", meta["expires"], zone)
    article.hub_starts = parse_moment("starts", meta["starts"], zone) if "starts" in meta else None
    if article.hub_starts and article.hub_starts >= article.hub_expires:
        raise MetadataError(
            f"starts ({article.hub_starts:%Y-%m-%d %H:%M}) is not before expires "
            f"({article.hub_expires:%Y-%m-%d}): the offer would never be on (move starts "
            "earlier or expires later)")
    article.hub_code = str(meta.get("code", "")).strip() or None


def check_event(article, zone) -> None:
    """Require `starts` and `location`; `ends` defaults to two hours later and may not precede."""
    _require(article, "starts", "location")
    meta = article.metadata
    if "timezone" in meta:
        zone = parse_zone(str(meta["timezone"]))
    article.hub_starts = parse_moment("starts", meta["starts"], zone)
    if "ends" in meta:
        article.hub_ends = parse_moment("ends", meta["ends"], zone)
    else:
        article.hub_ends = article.hub_starts + DEFAULT_EVENT_LENGTH
    if article.hub_ends < article.hub_starts:
        raise MetadataError(
            f"ends ({article.hub_ends:%Y-%m-%d %H:%M}) is before starts "
            f"({article.hub_starts:%Y-%m-%d %H:%M}) (fix the day or time of ends)"
        )
    article.hub_location = str(meta["location"]).strip()
    article.hub_zone = zone


def past_at_publish(article, now: datetime) -> str | None:
    """Return a warning when an event is already over when its article is published.

    The article is published at its `Date:`, or now (the build's instant) if it has none; an
    announcement of a finished event is almost always a wrong date; a report written after
    the event says so with `Recap: yes`.
    """
    ends = getattr(article, "hub_ends", None)
    if article.category.slug != "events" or ends is None:
        return None
    if str(article.metadata.get("recap", "")).strip().lower() in ("yes", "true"):
        return None
    published = getattr(article, "date", None)
    if not isinstance(published, datetime):
        published = now
    if published.tzinfo is None:
        published = published.replace(tzinfo=ends.tzinfo)
    if ends > published:
        return None
    return (f"the event ended ({ends:%Y-%m-%d %H:%M}) before the article is published "
            f"({published:%Y-%m-%d %H:%M}) (check starts/ends and Date, or add `Recap: yes` "
            "to a report)")


CHECKS = {"offers": check_offer, "events": check_event}


def check_article(article, zone) -> None:
    """Run the check for the article's channel; raise MetadataError when an editor must fix it."""
    check = CHECKS.get(article.category.slug)
    if check:
        check(article, zone)
