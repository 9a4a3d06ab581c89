"""A jam's or board's topics: the ``topics:`` list of its block, read into ``Option`` pairs.

Kept apart from ``specs.py`` (which calls it), as a list of its own rules.
"""

from __future__ import annotations

from typing import Any

from pollserver.domain.entries import ID_RE, Option, SpecError, read_entry

__all__ = ["MAX_TOPICS", "parse_topics"]

MAX_TOPICS = 50


def parse_topics(raw: Any) -> tuple[Option, ...]:
    """Read a jam's ``topics:`` list: at most 50 labels (``Coffee``) or ``{key, label}``
    (a translation keeps the keys and changes the labels), each label 1-40 characters."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_TOPICS:
        raise SpecError(f"topics must be a list of at most {MAX_TOPICS} labels")
    topics: list[Option] = []
    for entry in raw:
        key, label = read_entry(entry, "topic")
        if not 1 <= len(label) <= 40:
            raise SpecError("each topic must be 1-40 characters")
        if not ID_RE.match(key):
            raise SpecError(f"topic key {key!r} must be lowercase letters, digits and dashes")
        if any(t.key == key for t in topics):
            raise SpecError(f"duplicate topic {label!r}")
        topics.append(Option(key=key, label=label))
    return tuple(topics)
