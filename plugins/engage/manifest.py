"""Collect every block of the site into ``output/engage/manifest.json`` for ``pollserver sync``.

The manifest is ``{"version": 1, "polls": [...], "jams": [...], "surveys": [...]}``; each item
is the validated block plus ``id``, ``source`` (``content/x.md:12``, the opening fence) and
``url`` (the page's path). Two more sections feed the admin's "needs your attention" list:
``offers`` (``title``, ``url``, ``source``, ``expires``) and ``channels`` (each channel's newest
article date); ``pollserver sync`` ignores them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pollserver.domain.kinds import SECTIONS
from pollserver.domain.specs import Spec, iso_utc, spec_to_manifest

__all__ = ["VERSION", "Entry", "build_manifest", "content_sections", "duplicate_ids",
           "write_manifest"]

VERSION = 1


@dataclass(frozen=True)
class Entry:
    """A block as published: the spec, where it was written and the page that shows it."""

    spec: Spec
    path: str
    line: int
    url: str

    @property
    def source(self) -> str:
        """Return ``content/x.md:12``."""
        return f"{self.path}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        """Return the manifest item."""
        item = spec_to_manifest(self.spec)
        item.update(id=self.spec.id, source=self.source, url=self.url)
        return item


def _order(entry: Entry) -> tuple[str, int]:
    return entry.path, entry.line


def duplicate_ids(entries: list[Entry]) -> list[tuple[Entry, str]]:
    """Return (entry, message) per block whose id is already used by another of its kind."""
    first: dict[tuple[str, str], Entry] = {}
    problems = []
    for entry in sorted(entries, key=_order):
        key = (entry.spec.kind, entry.spec.id)
        if key in first:
            problems.append((
                entry,
                f"{entry.spec.kind} '{entry.spec.id}': duplicate id, already used at "
                f"{first[key].source} (give one of them another id)",
            ))
        else:
            first[key] = entry
    return problems


def _utc(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    return iso_utc((value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC))


def content_sections(articles: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return ``offers`` and ``channels`` from published (source, article) pairs.

    An offer's ``expires`` is the hub plugin's parsed value (``hub_expires``), so the admin
    and the offer page agree on the instant.
    """
    offers, channels = [], {}
    for source, article in sorted(articles, key=lambda pair: pair[0]):
        category = getattr(getattr(article, "category", None), "slug", None)
        published = _utc(getattr(article, "date", None))
        if category and published and published > channels.get(category, ""):
            channels[category] = published
        expires = _utc(getattr(article, "hub_expires", None))
        if expires:
            offers.append({"title": str(getattr(article, "title", "")), "source": source,
                           "url": "/" + str(article.url).lstrip("/"), "expires": expires})
    return {"offers": offers, "channels": dict(sorted(channels.items()))}


def build_manifest(entries: list[Entry], articles: list[tuple[str, Any]] | None = None,
                   ) -> dict[str, Any]:
    """Return the manifest, items in source order so every build writes the same file."""
    manifest: dict[str, Any] = {"version": VERSION, **{name: [] for name in SECTIONS.values()}}
    for entry in sorted(entries, key=_order):
        manifest[SECTIONS[entry.spec.kind]].append(entry.to_json())
    manifest.update(content_sections(articles or []))
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, so a running ``pollserver sync`` never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)
