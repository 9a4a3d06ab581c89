"""Read every feed with feedparser: well-formed (``bozo == 0``), unique and stable entry ids.

Stable means a rebuild keeps each entry's id, so feed readers do not show old articles as
new: the check compares the ids with those of an earlier build of the same content.
"""

from __future__ import annotations

from collections import Counter

import feedparser

from .result import Result

__all__ = ["check_feeds", "feed_ids"]


def feed_ids(data: bytes) -> tuple[list[str], str | None]:
    """Return the entry ids of a feed and the parser's complaint, if any."""
    parsed = feedparser.parse(data)
    problem = str(parsed.get("bozo_exception")) if parsed.bozo else None
    return [entry.get("id", "") for entry in parsed.entries], problem


def check_feeds(feeds: dict[str, bytes], earlier: dict[str, bytes] | None = None) -> Result:
    """Check feeds (name -> bytes); with ``earlier``, also that every old id is still there."""
    result = Result("feeds", checked=len(feeds))
    entries = 0
    for name, data in sorted(feeds.items()):
        ids, problem = feed_ids(data)
        entries += len(ids)
        if problem:
            result.errors.append(f"{name}: not a well-formed feed: {problem}")
        if not ids:
            result.warnings.append(f"{name}: no entries")
        if "" in ids:
            result.errors.append(f"{name}: an entry has no id")
        for entry_id, count in Counter(ids).items():
            if entry_id and count > 1:
                result.errors.append(f"{name}: id {entry_id!r} is used by {count} entries")
        if earlier is not None and name in earlier:
            before, _ = feed_ids(earlier[name])
            lost = sorted(set(before) - set(ids))
            if lost:
                result.errors.append(f"{name}: ids changed between two builds: {lost[:3]}")
    result.detail = f"{entries} entries"
    return result
