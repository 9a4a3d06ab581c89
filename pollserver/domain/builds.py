"""What the site build's plugins (hub and engage) share: the build's instant, a file's name.

Both plugins decide by the build's instant (offers expired, events past, polls closed, jams in
their phase) and name files the way an editor sees them in every problem line; each is
written once, here, so the two plugins can never disagree. Stdlib only: the plugins import it
without Flask or Pelican's help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

__all__ = ["build_now", "source_name"]


def build_now(settings: Mapping[str, Any], zone: tzinfo = UTC,
              names: Sequence[str] = ("HUB_NOW",)) -> datetime:
    """Return the build's instant: the first of the settings ``names`` that is set (an ISO
    8601 instant, in ``zone`` unless it carries its own offset), else now in ``zone``.

    The clock is an input: tests and ``make test-dates`` build at a chosen instant. A value
    that is no instant stops the build with a message naming the setting.
    """
    name = next((n for n in names if settings.get(n)), None)
    if name is None:
        return datetime.now(zone)
    value = settings[name]
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise SystemExit(f"{name}: {value!r} is not a date and time "
                             "(use ISO 8601, for example 2026-11-23T12:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def source_name(content: Any, content_path: str) -> str:
    """Return a content file's path as an editor sees it, for example ``content/news/x.md``."""
    base = Path(content_path)
    try:
        return f"{base.name}/{Path(content.source_path).relative_to(base).as_posix()}"
    except ValueError:
        return str(content.source_path)
