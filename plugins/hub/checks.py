"""Check channel front matter and attach the parsed values to each article.

Templates and the calendar writer read `article.hub_*` attributes instead of re-parsing strings,
so a value is checked in exactly one place and a broken article never reaches a template.
"""

from __future__ import annotations

from datetime import timedelta

from .dates import MetadataError, parse_day_end, parse_moment, parse_zone

DEFAULT_EVENT_LENGTH = timedelta(hours=2)


def _require(article, *fields: str) -> None:
    missing = [field for field in fields if not str(article.metadata.get(field, "")).strip()]
    if missing:
        raise MetadataError(f"missing required metadata: {', '.join(missing)}")


def check_offer(article, zone) -> None:
    """Require `expires` (a day), parse it and an optional `starts` (the early-access window)."""
    _require(article, "expires")
    meta = article.metadata
    article.hub_expires = parse_day_end("expires", meta["expires"], zone)
    article.hub_starts = parse_moment("starts", meta["starts"], zone) if "starts" in meta else None
    if article.hub_starts and article.hub_starts > article.hub_expires:
        raise MetadataError("expires is before starts")
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
            f"({article.hub_starts:%Y-%m-%d %H:%M})"
        )
    article.hub_location = str(meta["location"]).strip()
    article.hub_zone = zone


CHECKS = {"offers": check_offer, "events": check_event}


def check_article(article, zone) -> None:
    """Run the check for the article's channel; raise MetadataError when an editor must fix it."""
    check = CHECKS.get(article.category.slug)
    if check:
        check(article, zone)
