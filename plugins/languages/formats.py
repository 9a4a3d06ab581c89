"""Dates and numbers the way each language writes them (Babel, CLDR data), for the templates.

The theme never calls ``strftime`` for a reader: month and day names would follow the build
machine's C locale, in English on every page. Each filter takes the page's language from the
template context (``DEFAULT_LANG`` of the site being built, or ``lang`` for an engage block):

==================  ===========================  ==============================
filter              English                      German
==================  ===========================  ==============================
``long_date``       23 November 2026             23. November 2026
``day_month``       27 Nov                       27. Nov.
``event_time``      Sat 12 Dec 2026, 10:00       Sa., 12. Dez. 2026, 10:00
``clock``           10:00                        10:00
``number``          1,284                        1.284
``percent``         42% (of a 0-1 share)         42 %
==================  ===========================  ==============================

A language without a pattern here gets CLDR's own (``format_date(..., "long")``, skeletons),
so adding a language needs no code. The functions are module-level, so Pelican can pickle
the settings that name them (its content cache does).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal, format_percent
from jinja2 import pass_context

__all__ = ["FILTERS", "clock", "day_month", "event_time", "long_date", "number", "percent"]

#: Hand-picked patterns (CLDR syntax); English matches what the hub always printed.
PATTERNS: dict[str, dict[str, str]] = {
    "en": {"long": "d MMMM y", "day_month": "d MMM", "event": "EEE d MMM y, HH:mm"},
    "de": {"long": "d. MMMM y", "day_month": "d. MMM", "event": "EEE, d. MMM y, HH:mm"},
}
SKELETONS = {"day_month": "MMMd", "event": "yMMMEd"}


def locale_of(lang: str) -> Locale:
    """Return Babel's locale for a language tag (``pt-BR`` too); English if unknown."""
    try:
        return Locale.parse(str(lang or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def lang_of(context: Any) -> str:
    """Return the language of the page being rendered."""
    return str(context.get("lang") or context.get("DEFAULT_LANG") or "en")


def _format(value: date | datetime, kind: str, lang: str) -> str:
    locale = locale_of(lang)
    pattern = PATTERNS.get(lang, PATTERNS.get(locale.language, {})).get(kind)
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                value.day)
    if pattern:
        return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale)
    if kind == "long":
        return format_date(moment.date(), "long", locale=locale)
    text = format_skeleton(SKELETONS[kind], moment, tzinfo=moment.tzinfo, locale=locale)
    if kind == "event":
        text += ", " + format_datetime(moment, "HH:mm", tzinfo=moment.tzinfo, locale=locale)
    return text


def format_in(value: date | datetime, kind: str, lang: str) -> str:
    """Format a date or time as ``kind`` (long, day_month, event) in ``lang``."""
    return _format(value, kind, lang)


@pass_context
def long_date(context: Any, value: date | datetime) -> str:
    """``23 November 2026`` / ``23. November 2026``."""
    return _format(value, "long", lang_of(context))


@pass_context
def day_month(context: Any, value: date | datetime) -> str:
    """``27 Nov`` / ``27. Nov.``."""
    return _format(value, "day_month", lang_of(context))


@pass_context
def event_time(context: Any, value: datetime) -> str:
    """``Sat 12 Dec 2026, 10:00`` / ``Sa., 12. Dez. 2026, 10:00``."""
    return _format(value, "event", lang_of(context))


@pass_context
def clock(context: Any, value: datetime) -> str:
    """``10:00`` (24-hour clock: the hub's events are in Europe)."""
    return format_datetime(value, "HH:mm", tzinfo=value.tzinfo,
                           locale=locale_of(lang_of(context)))


@pass_context
def number(context: Any, value: int | float) -> str:
    """``1,284`` / ``1.284``."""
    return format_decimal(value, locale=locale_of(lang_of(context)))


@pass_context
def percent(context: Any, share: float) -> str:
    """A 0-1 share as a whole percentage: ``42%`` / ``42 %``."""
    return format_percent(share, "#,##0%", locale=locale_of(lang_of(context)))


FILTERS = {"long_date": long_date, "day_month": day_month, "event_time": event_time,
           "clock": clock, "number": number, "percent": percent}
