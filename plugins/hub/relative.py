"""Dates written relative to the build, for content that must stay current on any day.

Editors write absolute dates. Content that recurs or must never go stale (the sample hub, a
monthly poll) may instead write a token that the build turns into an absolute date before
anything else reads the file:

* ``{{ today }}``, ``{{ today+14 }}``, ``{{ today-3 }}``: the build's day (in ``TIMEZONE``),
  plus or minus whole days;
* ``{{ month }}``, ``{{ month+1 }}``, ``{{ month-2 }}``: the first day of the build's month,
  plus or minus whole months;
* ``{{ thursday }}``, ``{{ saturday+14 }}``: the next such weekday after the build's day, plus
  or minus whole days (a Thursday meetup stays on a Thursday).

A token becomes ``YYYY-MM-DD``, so ``Expires: {{ today+30 }}``, ``Starts: {{ today+9 }} 18:30``
and ``closes: {{ month+1 }}T00:00:00Z`` all read as ordinary dates. In prose, a strftime
format after ``|`` writes the date for readers: ``{{ today+9 | %A %-d %B }}`` gives
``Wednesday 2 December``; in a language's sub-site the day and month names are that
language's (``{{ today+9 | %A, %-d. %B }}``: ``Mittwoch, 2. Dezember``). Tokens resolve
per day, so Pelican's content cache is kept per build day (see :func:`day_cache_path`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from babel import Locale, UnknownLocaleError
from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

__all__ = ["RelativeDatesExtension", "day_cache_path", "resolve"]

TOKEN = re.compile(
    r"\{\{\s*(today|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s*(?:([+-])\s*(\d{1,4}))?\s*(?:\|\s*([^{}]*?))?\s*\}\}"
)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_strftime(day: date, form: str, lang: str = "en") -> str:
    """`day.strftime(form)` with the day and month names (%A, %a, %B, %b) of `lang`."""
    if lang and not lang.lower().startswith("en"):
        try:
            locale = Locale.parse(lang.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            locale = None
        if locale is not None:
            names = {"%A": locale.days["format"]["wide"][day.weekday()],
                     "%a": locale.days["format"]["abbreviated"][day.weekday()],
                     "%B": locale.months["format"]["wide"][day.month],
                     "%b": locale.months["format"]["abbreviated"][day.month]}
            for code, name in names.items():
                form = form.replace(code, name.replace("%", "%%"))
    return day.strftime(form)


def resolve(text: str, now: datetime, lang: str = "en") -> str:
    """Return `text` with every relative-date token replaced by the absolute date it names
    (dates for readers in `lang`)."""
    today = now.date()

    def absolute(match: re.Match[str]) -> str:
        anchor, sign, amount, form = match.groups()
        offset = int(amount or 0) * (-1 if sign == "-" else 1)
        if anchor == "today":
            day = today + timedelta(days=offset)
        elif anchor in WEEKDAYS:
            ahead = (WEEKDAYS.index(anchor) - today.weekday() - 1) % 7 + 1
            day = today + timedelta(days=ahead + offset)
        else:
            day = _add_months(today.replace(day=1), offset)
        return local_strftime(day, form, lang) if form else day.isoformat()

    return TOKEN.sub(absolute, text)


def day_cache_path(cache_path: str, now: datetime) -> str:
    """Return the content-cache folder for the build's day: yesterday's cached pages carry
    yesterday's resolved dates and must not be reused."""
    return str(Path(cache_path) / f"day-{now.date().isoformat()}")


class RelativeDatesPreprocessor(Preprocessor):
    """Resolve tokens in every line, the metadata header and engage blocks included."""

    def __init__(self, md: Markdown, now: datetime, lang: str = "en") -> None:
        super().__init__(md)
        self.now = now
        self.lang = lang

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines with tokens resolved; line numbers are unchanged."""
        return [resolve(line, self.now, self.lang) if "{{" in line else line for line in lines]


class RelativeDatesExtension(Extension):
    """Register the preprocessor at priority 29: after whitespace normalising (30), before
    engage blocks (28) and the metadata header (27)."""

    def __init__(self, now: datetime, lang: str = "en", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.now = now
        self.lang = lang

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        """Add the preprocessor to `md`."""
        md.preprocessors.register(RelativeDatesPreprocessor(md, self.now, self.lang),
                                  "hub_relative", 29)
